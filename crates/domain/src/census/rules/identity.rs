//! Census rules: see the module documentation of [`super`].

use super::Rule;

pub(super) const RULES: &[Rule] = &[];
