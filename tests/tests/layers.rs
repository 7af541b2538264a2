//! The layering of every crate, checked: no module imports — directly or through others — a
//! module that imports it, neither file by file nor between a crate's top-level modules; and the
//! settings (`nsl`'s `spec` and `config`) are plain data that import no algorithm.
//!
//! A module's imports are the `crate::…`, `super::…` and child-module paths its code names
//! (its `#[cfg(test)]` part is a module of its own and is left out, as are declarations and the
//! crate root, which only declares and re-exports).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace's crates with a `src` directory.
fn crates() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("crates"))
        .expect("crates/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path().join("src")))
        .filter(|(_, src)| src.is_dir())
        .collect();
    found.push(("integration".into(), root.join("tests/src")));
    found.sort();
    found
}

/// Every `.rs` file below `src` with its module path (`a::b`; the crate root is empty).
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("below src").with_extension("");
            let mut parts: Vec<String> =
                relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                parts.pop();
            }
            out.insert(parts.join("::"), path);
        }
    }
    out
}

/// The code of a file without its `#[cfg(test)]` part and without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable");
    let body = text.split("\n#[cfg(test)]").next().unwrap_or_default();
    body.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Identifier paths (`a::b::c`) that start at `start` in `code`.
fn paths_from(code: &str, start: usize) -> Vec<String> {
    let bytes = code.as_bytes();
    let mut end = start;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] == b':')
    {
        end += 1;
    }
    let head = code[start..end].trim_end_matches(':').to_string();
    // `a::{b, c::d}`: each item of a brace list, one level deep (enough for this code base).
    if code[end..].starts_with('{') {
        let close = code[end..].find('}').map_or(code.len(), |i| end + i);
        return code[end + 1..close]
            .split(',')
            .map(|item| item.trim().split([' ', '{']).next().unwrap_or_default().trim_end_matches(':'))
            .filter(|item| !item.is_empty())
            .map(|item| format!("{head}::{item}"))
            .collect();
    }
    vec![head]
}

/// The modules `module` (in `file`) imports, among `known`.
fn imports(module: &str, file: &Path, known: &BTreeMap<String, PathBuf>) -> BTreeSet<String> {
    let code = code(file);
    let parent = |m: &str| m.rsplit_once("::").map_or(String::new(), |(p, _)| p.to_string());
    let join = |a: &str, b: &str| if a.is_empty() { b.to_string() } else { format!("{a}::{b}") };
    let mut candidates = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        if i > 0 && (code.as_bytes()[i - 1].is_ascii_alphanumeric() || code.as_bytes()[i - 1] == b'_') {
            continue;
        }
        candidates.extend(paths_from(&code, i + "crate::".len()));
    }
    // `super::super::x`: each `super` is one parent up from the module.
    for (i, _) in code.match_indices("super::") {
        if i > 0 && code.as_bytes()[i - 1] == b':' {
            continue;
        }
        let (mut base, mut at) = (parent(module), i + "super::".len());
        while code[at..].starts_with("super::") {
            base = parent(&base);
            at += "super::".len();
        }
        candidates.extend(paths_from(&code, at).into_iter().map(|p| join(&base, &p)));
    }
    // `use child::…` (2018 paths): a child module of this one.
    for (i, _) in code.match_indices("use ") {
        if i > 0 && !code.as_bytes()[i - 1].is_ascii_whitespace() {
            continue;
        }
        let start = i + "use ".len();
        let first: String =
            code[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if known.contains_key(&join(module, &first)) {
            candidates.extend(paths_from(&code, start).into_iter().map(|p| join(module, &p)));
        }
    }
    let mut out = BTreeSet::new();
    for path in candidates {
        // The longest prefix of the path that is a module.
        let mut segments: Vec<&str> = path.split("::").collect();
        while !segments.is_empty() {
            let candidate = segments.join("::");
            if known.contains_key(&candidate) {
                if !candidate.is_empty() && candidate != module {
                    out.insert(candidate);
                }
                break;
            }
            segments.pop();
        }
    }
    out
}

/// A cycle of `graph`, if any (as the list of modules along it).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let at = path.iter().position(|n| n == node).expect("open nodes are on the path");
                let mut cycle = path[at..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph.keys().find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

/// Each crate's module graph, file by file.
fn graphs() -> Vec<(String, BTreeMap<String, BTreeSet<String>>)> {
    crates()
        .into_iter()
        .map(|(name, src)| {
            let known = modules(&src);
            let graph =
                known.iter().map(|(module, file)| (module.clone(), imports(module, file, &known))).collect();
            (name, graph)
        })
        .collect()
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let mut problems = Vec::new();
    for (name, graph) in graphs() {
        assert!(graph.contains_key(""), "{name}: its crate root was found");
        if let Some(cycle) = find_cycle(&graph) {
            problems.push(format!("{name}: {}", cycle.join(" → ")));
        }
        // The same between top-level modules (`nsl::session` as one, whatever its files).
        let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let head = |m: &str| m.split("::").next().unwrap_or_default().to_string();
        for (module, imports) in &graph {
            let from = head(module);
            let entry = top.entry(from.clone()).or_default();
            entry.extend(imports.iter().map(|m| head(m)).filter(|m| *m != from));
        }
        if let Some(cycle) = find_cycle(&top) {
            problems.push(format!("{name} (top-level modules): {}", cycle.join(" → ")));
        }
    }
    println!("import cycles: {}", if problems.is_empty() { "none".into() } else { problems.join("; ") });
    assert!(problems.is_empty(), "import cycles:\n{}", problems.join("\n"));
}

#[test]
fn settings_are_plain_data() {
    let (_, graph) = graphs().into_iter().find(|(name, _)| name == "nsl").expect("the nsl crate");
    let plain = |m: &str| {
        m == "config" || m.starts_with("config::") || m == "error" || m == "spec" || m.starts_with("spec::")
    };
    let offending: Vec<String> = graph
        .iter()
        .filter(|(module, _)| plain(module))
        .flat_map(|(module, imports)| {
            imports.iter().filter(|m| !plain(m)).map(move |m| format!("{module} imports {m}"))
        })
        .collect();
    assert!(offending.is_empty(), "settings import algorithms: {offending:?}");
}

#[test]
fn the_check_sees_a_cycle() {
    // A made-up graph a → b → c → a, and the same without the last edge.
    let edge = |a: &str, b: &str| (a.to_string(), [b.to_string()].into());
    let cyclic: BTreeMap<String, BTreeSet<String>> = [edge("a", "b"), edge("b", "c"), edge("c", "a")].into();
    assert_eq!(find_cycle(&cyclic).map(|c| c.len()), Some(4));
    let acyclic: BTreeMap<String, BTreeSet<String>> = [edge("a", "b"), edge("b", "c")].into();
    assert_eq!(find_cycle(&acyclic), None);
    // And reads imports out of code: brace lists, super paths and child re-exports.
    let dir = std::env::temp_dir().join(format!("layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("x")).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod x;\nmod y;\n").unwrap();
    std::fs::write(dir.join("x/mod.rs"), "mod z;\npub use z::Z;\nuse crate::y::{Y, W};\n").unwrap();
    std::fs::write(dir.join("x/z.rs"), "use super::super::y::Y; // crate::x is not named here\n").unwrap();
    std::fs::write(dir.join("y.rs"), "pub struct Y;\n#[cfg(test)]\nuse crate::x::Z;\n").unwrap();
    let known = modules(&dir);
    assert_eq!(imports("x", &dir.join("x/mod.rs"), &known), ["x::z".to_string(), "y".into()].into());
    assert_eq!(imports("x::z", &dir.join("x/z.rs"), &known), ["y".to_string()].into());
    assert!(imports("y", &dir.join("y.rs"), &known).is_empty(), "test code is left out");
    std::fs::remove_dir_all(dir).unwrap();
}
