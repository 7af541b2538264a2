//! [`Stepped`]: a module its optimizer updates in place.

use burn::module::Module;
use burn::optim::{GradientsParams, LearningRate, ModuleOptimizer};

/// A module a trainer owns and steps: moved into each optimizer step, never cloned for it.
///
/// `optimizer.step(lr, model.clone(), grads)` keeps the old module alive through the step, so
/// every parameter's buffer is shared and the CPU update ([`super::OnePassAdam`]) must copy each
/// one before writing it. Moved in, the buffers are updated where they are.
#[derive(Debug, Clone)]
pub struct Stepped<M>(Option<M>);

impl<M: Module> Stepped<M> {
    /// Holds `module` for stepping.
    pub fn new(module: M) -> Self {
        Self(Some(module))
    }

    /// The module as the last step left it.
    pub fn get(&self) -> &M {
        self.0.as_ref().expect("a module is held between steps (a step that panicked lost it)")
    }

    /// One optimizer step at learning rate `lr` with `grads`.
    pub fn step(&mut self, optimizer: &mut ModuleOptimizer, lr: LearningRate, grads: GradientsParams) {
        let module = self.0.take().expect("a module is held between steps (a step that panicked lost it)");
        self.0 = Some(optimizer.step(lr, module, grads));
    }
}

impl<M: Module> std::ops::Deref for Stepped<M> {
    type Target = M;

    fn deref(&self) -> &M {
        self.get()
    }
}
