//! Short end-to-end runs on the real data sets: the library learns, and regularization is
//! wired in. (Full-length runs against the targets: `scripts/accuracy.sh`.)

use nsl::burn::tensor::Device;
use nsl::spec::DataSpec;
use nsl::spec::builtin::builtin;
use nsl::train::experiment::run;

#[test]
fn mnist_adversarial_regularization_learns_and_resists() {
    let Some(dir) = integration::shared("data/mnist") else { return };
    let mut spec = builtin("mnist-adv", Some(&dir), 1).unwrap();
    spec.data = DataSpec::Mnist { dir, train: 2000, test: 500 };
    spec.epochs = 2;
    let outcome = run(&spec, &Device::flex(), &mut |_| {}).unwrap();
    let [base, adv] = &outcome.runs[..] else { panic!("two runs: {outcome:?}") };
    assert_eq!((base.variant.as_str(), adv.variant.as_str()), ("base", "adv_reg"));
    let (base_clean, base_fgsm) = (base.metrics.clean_acc.unwrap(), base.metrics.fgsm_acc.unwrap());
    let (adv_clean, adv_fgsm) = (adv.metrics.clean_acc.unwrap(), adv.metrics.fgsm_acc.unwrap());
    assert!(base_clean > 0.8 && adv_clean > 0.8, "clean accuracy {base_clean} / {adv_clean}");
    assert!(base_fgsm < base_clean, "an attack hurts the base model");
    assert!(adv_fgsm > base_fgsm + 0.1, "adversarial training resists FGSM: {adv_fgsm} vs {base_fgsm}");
    assert!(adv.history[1].adversarial.unwrap() > 0.0);
    assert!(base.history[1].total < base.history[0].total);
}

#[test]
fn cora_graph_regularization_trains_with_neighbors() {
    let Some(dir) = integration::shared("data/cora") else { return };
    let mut spec = builtin("cora-graph-reg", Some(&dir), 1).unwrap();
    spec.epochs = 100;
    let outcome = run(&spec, &Device::flex(), &mut |_| {}).unwrap();
    let [base, graph] = &outcome.runs[..] else { panic!("two runs: {outcome:?}") };
    assert_eq!(graph.variant, "graph_reg");
    for run in [base, graph] {
        let acc = run.metrics.test_acc.unwrap();
        assert!(acc > 0.3, "{}: {acc} is not above chance (1/7) by enough", run.variant);
    }
    let first = graph.history[0].graph.unwrap();
    assert!(first > 0.0, "neighbors contribute a graph loss");
}

#[test]
fn moons_train_in_a_blink_and_draw_a_two_class_heatmap() {
    use nsl::burn::module::Module;
    use nsl::data::TrainingData;
    use nsl::session::heatmap::{Grid, class_probabilities};
    use nsl::train::trainer::Trainer;

    let (mut base_fgsm, mut adv_fgsm) = (0.0, 0.0);
    for seed in 0..3 {
        let spec = builtin("moons-adv", None, seed).unwrap();
        let outcome = run(&spec, &Device::flex(), &mut |_| {}).unwrap();
        let [base, adv] = &outcome.runs[..] else { panic!("two runs: {outcome:?}") };
        for r in [base, adv] {
            assert!(r.metrics.clean_acc.unwrap() >= 0.85, "seed {seed} {}: {:?}", r.variant, r.metrics);
        }
        base_fgsm += base.metrics.fgsm_acc.unwrap();
        adv_fgsm += adv.metrics.fgsm_acc.unwrap();
    }
    assert!(
        adv_fgsm >= base_fgsm,
        "adversarial training resists FGSM on moons: {adv_fgsm} vs {base_fgsm} (sums)"
    );

    let spec = builtin("moons-adv", None, 0).unwrap();
    let data = nsl::data::load::load_data(&spec).unwrap();
    let TrainingData { train, .. } = &data;
    let mut trainer = Trainer::for_spec(&spec, Default::default(), (2, 2), &Device::flex()).unwrap();
    for _ in 0..spec.epochs {
        trainer.train_epoch(&data, |_, _| {}).unwrap();
    }
    let grid = Grid::default();
    let p = class_probabilities(&trainer.model().valid(), &grid, &Device::flex()).unwrap();
    let cells = grid.resolution * grid.resolution;
    let class_one = (0..cells).filter(|c| p[c * 2 + 1] > 0.5).count();
    assert!(class_one > cells / 5 && class_one < cells * 4 / 5, "{class_one} of {cells} cells are class 1");
    assert_eq!(train.len(), 200);
}

#[test]
fn wgpu_session_trains_like_the_cpu() {
    use nsl::session::{Session, SnapshotOptions};
    let Some(device) = integration::wgpu_device() else { return };
    // The playground's step-wise session (adversarial regularization, FGSM evaluation, heatmap),
    // dropout off and L2 adversarial steps, so both backends run the same arithmetic up to
    // reduction order. After each of five bursts of 20 steps: losses within 1e-4 relative,
    // accuracies within one test point (of 200), heatmap probabilities within 1e-3.
    let mut spec = builtin("moons-adv", None, 0).unwrap();
    if let nsl::spec::ModelSpec::Mlp { dropout, .. } = &mut spec.model {
        *dropout = 0.0;
    }
    let snapshots = |device: &Device| {
        let mut session = Session::new(&spec, device).unwrap();
        (0..5)
            .map(|_| {
                session.run_steps(20).unwrap();
                session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap()
            })
            .collect::<Vec<_>>()
    };
    let (cpu, gpu) = (snapshots(&Device::flex()), snapshots(&device));
    for (c, g) in cpu.iter().zip(&gpu) {
        let (lc, lg) = (c.losses.unwrap(), g.losses.unwrap());
        for (a, b) in [
            (lc.total, lg.total),
            (lc.supervised, lg.supervised),
            (lc.adversarial.unwrap(), lg.adversarial.unwrap()),
        ] {
            assert!((a - b).abs() <= 1e-4 * a.abs().max(1e-3), "step {}: cpu {a} vs wgpu {b}", c.step);
        }
        let point = 1.0 / 200.0 + 1e-9;
        assert!(
            (c.test_acc - g.test_acc).abs() <= point,
            "step {}: {} vs {}",
            c.step,
            c.test_acc,
            g.test_acc
        );
        assert!((c.attacked_acc.unwrap() - g.attacked_acc.unwrap()).abs() <= point);
        let (hc, hg) = (c.heatmap.as_ref().unwrap(), g.heatmap.as_ref().unwrap());
        let worst = hc.iter().zip(hg).map(|(a, b)| (a - b).abs()).fold(0.0_f32, f32::max);
        println!("step {}: heatmaps cpu vs wgpu differ by at most {worst:.2e}", c.step);
        assert!(worst <= 1e-3, "step {}: heatmaps differ by {worst}", c.step);
    }
    assert!(cpu[4].losses.unwrap().total < cpu[0].losses.unwrap().total);
}
