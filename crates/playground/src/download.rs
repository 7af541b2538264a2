//! Exports: the spec as the JSON `nsl train --spec` runs, the measured curves as CSV, and a
//! tar archive with the equivalent TensorFlow NSL (Keras) script, the spec and the data the
//! script reads.

use std::fmt::Write;

use nsl::spec::ExperimentSpec;

use crate::state::{History, State};

/// The spec, pretty-printed.
pub fn spec_json(spec: &ExperimentSpec) -> String {
    serde_json::to_string_pretty(spec).expect("a spec serialises")
}

/// A file-name stem for the setup.
pub fn stem(spec: &ExperimentSpec) -> String {
    let name: String =
        spec.name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    if name.is_empty() { "experiment".into() } else { name }
}

/// Every curve point of every model as CSV.
pub fn results_csv(state: &State) -> String {
    let mut out = String::from(
        "model,step,total_loss,supervised_loss,graph_loss,adversarial_loss,vat_loss,dgi_loss,train_acc,test_acc,attacked_acc,dgi_acc\n",
    );
    let opt = |v: Option<f32>| v.map_or(String::new(), |v| v.to_string());
    let mut rows = |model: &str, history: &History| {
        for p in history.points.iter() {
            // Accuracies where this step measured them, blank where it kept earlier ones.
            let measured =
                |v: Option<f64>| v.filter(|_| p.evaluated).map_or(String::new(), |v| v.to_string());
            let _ = writeln!(
                out,
                "{model},{},{},{},{},{},{},{},{},{},{},{}",
                p.step,
                p.total,
                p.supervised,
                opt(p.graph),
                opt(p.adversarial),
                opt(p.virtual_adversarial),
                opt(p.dgi),
                measured(Some(p.train_acc)),
                measured(Some(p.test_acc)),
                measured(p.attacked_acc),
                measured(p.dgi_acc),
            );
        }
    };
    if let Some(base) = &state.training.base {
        rows("base", base);
    }
    rows(&state.spec.variant_name(), &state.training.regularized);
    out
}

/// `NAME.tar`: `NAME/NAME.py` (the program of [`nsl::tensorflow::export`]), `NAME/spec.json`,
/// the data files the program reads, and a README saying how to run both.
pub fn tensorflow_bundle(spec: &ExperimentSpec) -> Result<Vec<u8>, String> {
    let export = nsl::tensorflow::export(spec).map_err(|e| e.to_string())?;
    let stem = stem(spec);
    let mut files = vec![
        (format!("{stem}.py"), export.program.into_bytes()),
        ("spec.json".to_string(), spec_json(spec).into_bytes()),
        (
            "README.txt".to_string(),
            format!(
                "Exported from NSL Playground.\n\n\
                 {tool}: python {stem}.py\n\
                 This project: nsl train --spec spec.json\n\
                 (MNIST reads the digits from the directory named in the script and the spec.)\n",
                tool = export.tool,
            )
            .into_bytes(),
        ),
    ];
    files.extend(export.files);
    let mut archive = tar::Builder::new(Vec::new());
    for (name, bytes) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        archive
            .append_data(&mut header, format!("{stem}/{name}"), bytes.as_slice())
            .map_err(|e| e.to_string())?;
    }
    archive.into_inner().map_err(|e| e.to_string())
}

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let js = |e: wasm_bindgen::JsValue| format!("download failed: {e:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    download_url(name, &url)?;
    web_sys::Url::revoke_object_url(&url).map_err(js)
}

/// Saves what `url` (an object or `data:` URL) holds as the file `name`.
pub fn download_url(name: &str, url: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let js = |e: wasm_bindgen::JsValue| format!("download failed: {e:?}");
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").map_err(js)?.unchecked_into();
    anchor.set_href(url);
    anchor.set_download(name);
    anchor.click();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{Family, opening_scene, preset};
    use std::collections::BTreeSet;

    #[test]
    fn bundles_hold_script_spec_and_data() {
        let spec = opening_scene();
        let bytes = tensorflow_bundle(&spec).unwrap();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> =
            archive.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert_eq!(
            names,
            ["moons/moons.py", "moons/spec.json", "moons/README.txt", "moons/train.csv", "moons/test.csv"]
        );
        let karate = tensorflow_bundle(&preset(Family::Karate, 0)).unwrap();
        let names: Vec<String> = tar::Archive::new(karate.as_slice())
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert!(names.contains(&"karate/graph/karate.cites".to_string()), "{names:?}");
        let back: ExperimentSpec = serde_json::from_str(&spec_json(&spec)).unwrap();
        assert_eq!(back, spec);
    }

    #[test]
    fn results_are_one_row_per_point_and_model() {
        let mut state = State::new(opening_scene(), BTreeSet::new(), Default::default(), 10);
        state.training.regularized.points.update(|points| {
            points.push(crate::state::Point {
                step: 10,
                total: 0.5,
                evaluated: true,
                supervised: 0.4,
                graph: None,
                adversarial: Some(0.1),
                virtual_adversarial: None,
                dgi: None,
                train_acc: 0.9,
                test_acc: 0.85,
                attacked_acc: Some(0.6),
                dgi_acc: None,
            })
        });
        let csv = results_csv(&state);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1], "adv_reg,10,0.5,0.4,,0.1,,,0.9,0.85,0.6,");
    }
}
