//! The one error a parser in this crate returns: which field, and what is wrong with it.

use std::borrow::Cow;

/// A value that could not be accepted, naming the field and the problem in words a user understands,
/// e.g. `UPN: the check letter should be K, not A`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ValueError {
    /// The field as the user knows it (`UPN`, `date of birth`) or its API name (`child.upn`).
    pub field: Cow<'static, str>,
    /// What is wrong, as a sentence fragment without a trailing full stop.
    pub problem: String,
}

impl ValueError {
    pub fn new(field: impl Into<Cow<'static, str>>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// The same problem reported against another field name (e.g. the API's `child.upn`).
    #[must_use]
    pub fn for_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = field.into();
        self
    }
}

/// Several field problems found at once, so a form can show them all together.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct ValueErrors(pub Vec<ValueError>);

impl ValueErrors {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    pub fn push(&mut self, e: ValueError) {
        self.0.push(e);
    }

    /// Keep the value if it parsed, or remember its error and return `None`.
    pub fn take<T>(&mut self, r: Result<T, ValueError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// Keep the value if it checked out, or remember all its errors and return `None`.
    pub fn take_all<T>(&mut self, r: Result<T, ValueErrors>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.extend(e.0);
                None
            }
        }
    }

    /// Whether no problem has been found with `field` yet.
    pub fn field_ok(&self, field: &str) -> bool {
        !self.0.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same problems with every field name under `prefix` (a settings file's `settings.retention[0].years`).
    #[must_use]
    pub fn prefixed(self, prefix: &str) -> ValueErrors {
        ValueErrors(
            self.0
                .into_iter()
                .map(|e| {
                    let field = format!("{prefix}{}", e.field);
                    e.for_field(field)
                })
                .collect(),
        )
    }

    /// `Ok(())` when nothing was wrong.
    pub fn into_result(self) -> Result<(), ValueErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    fn summary(&self) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl From<ValueError> for ValueErrors {
    fn from(e: ValueError) -> Self {
        Self(vec![e])
    }
}
