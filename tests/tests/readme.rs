//! The README states facts the code decides; these tests keep the two the same.

use nsl::spec::limits::LIMITS;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("the README")
}

/// `1234567` as `1,234,567`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_limits_table_is_the_one_specs_are_checked_against() {
    let readme = readme();
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    let expected: Vec<String> =
        LIMITS.iter().map(|l| format!("| `{}` | {} {} |", l.field, grouped(l.max), l.counts)).collect();
    let table: Vec<&str> = rows.iter().copied().filter(|r| expected.iter().any(|e| e == r)).collect();
    assert_eq!(table.len(), LIMITS.len(), "README rows missing; expected:\n{}", expected.join("\n"));
    let stale: Vec<&&str> = rows
        .iter()
        .filter(|r| {
            let field = r.split('`').nth(1).unwrap_or_default();
            LIMITS.iter().any(|l| l.field == field) && !expected.iter().any(|e| e == *r)
        })
        .collect();
    assert!(stale.is_empty(), "README rows that differ from the limits: {stale:?}");
}

#[test]
fn grouping_digits() {
    assert_eq!(grouped(100), "100");
    assert_eq!(grouped(4096), "4,096");
    assert_eq!(grouped(1_000_000), "1,000,000");
}
