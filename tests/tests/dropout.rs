//! Dropout draws its masks from the device's generator, which every model on the device shares.
//! The trainer seeds it per step, so a model's masks do not depend on what else trains beside
//! it: `nsl train` (base model first, then the regularized one) and the playground (the two in
//! lockstep) train the same models. A test binary of its own: tests running in parallel threads
//! of one process would draw from the same generator.

use nsl::burn::tensor::Device;
use nsl::config::Regularization;
use nsl::data::{Examples, TrainingData};
use nsl::spec::ModelSpec;
use nsl::spec::builtin::builtin;
use nsl::train::trainer::Trainer;

fn rows(n: usize, offset: f32) -> Examples {
    let features = (0..n * 2).map(|i| ((i as f32) * 0.37 + offset).sin()).collect();
    Examples { features, dim: 2, labels: (0..n).map(|i| (i % 2) as u32).collect(), classes: 2 }
}

#[test]
fn dropout_masks_follow_the_trainer_not_what_else_trains_on_the_device() {
    let data = TrainingData { train: rows(64, 0.0), test: rows(16, 1.0), graph: None };
    let mut spec = builtin("moons-adv", None, 1).unwrap();
    spec.model =
        ModelSpec::Mlp { hidden: vec![8], activation: Default::default(), dropout: 0.5, inputs: None };
    let device = Device::flex();
    let fresh = |seed: u64| {
        let mut s = spec.clone();
        s.seed = seed;
        Trainer::for_spec(&s, Regularization::default(), (2, 2), &device).unwrap()
    };
    let batch: Vec<usize> = (0..16).collect();
    let loss = |t: &mut Trainer| -> f32 {
        let [total, ..] = t.train_step(&data, &batch).unwrap();
        total.into_scalar::<f32>()
    };
    // Alone, one after the other (nsl train) …
    let mut a = fresh(1);
    let alone: Vec<f32> = (0..5).map(|_| loss(&mut a)).collect();
    let mut b = fresh(2);
    (0..5).for_each(|_| {
        loss(&mut b);
    });
    // … and in lockstep with another model (the playground's what-if pair).
    let (mut a, mut b) = (fresh(1), fresh(2));
    let lockstep: Vec<f32> = (0..5)
        .map(|_| {
            let mine = loss(&mut a);
            loss(&mut b);
            mine
        })
        .collect();
    assert_eq!(alone, lockstep, "the same masks either way");
    assert_ne!(alone[0], alone[1], "masks change from step to step");
}
