//! [`Shared`]: an immutable value the page's state hands to components without copying it.
//!
//! The reducer runs on every worker event (about 90 a second while training) and yew compares
//! every component's props on each render: deep clones and deep comparisons of curves,
//! snapshots, data views and drawings were the page's main-thread cost. A `Shared` clones as a
//! pointer and compares by identity — a new value is always a new `Shared`, so "same pointer"
//! means "same value".

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// A reference-counted value compared by identity.
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    /// Shares `value`.
    pub fn new(value: T) -> Self {
        Self(Rc::new(value))
    }
}

impl<T: Clone> Shared<T> {
    /// A new shared value: `change` applied to a copy of this one (the old value stays as it
    /// was for whoever holds it, and compares unequal to the new one).
    pub fn update(&mut self, change: impl FnOnce(&mut T)) {
        let mut value = (*self.0).clone();
        change(&mut value);
        self.0 = Rc::new(value);
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_are_equal_updates_are_not_and_the_old_value_stays() {
        let a = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert_eq!(a, b, "a clone is the same value");
        assert_ne!(a, Shared::new(vec![1, 2]), "equal contents, another value");
        b.update(|v| v.push(3));
        assert_ne!(a, b);
        assert_eq!((&a[..], &b[..]), (&[1, 2][..], &[1, 2, 3][..]));
    }
}
