//! What a use case can fail with, in terms a shell can map to an exit code or an HTTP status.

use interdict_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The database could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Stored records that no longer read (a database written by hand or damaged).
    #[error("{what} in the database are corrupt ({detail}); import them again")]
    Corrupt { what: String, detail: String },
    /// The input is not acceptable; `field` names what was wrong.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The caller may see the thing but not do this with it (the reason in words).
    #[error("{0}")]
    Forbidden(String),
    /// No such record, or one the caller may not see (the two are one answer).
    #[error("{0} not found")]
    NotFound(String),
    /// A service the use case needs is not available (try again later).
    #[error("{0}")]
    Unavailable(String),
    /// The record's state does not allow this.
    #[error("{0}")]
    Conflict(String),
    /// Well-formed but not acceptable as what it claims to be (an attachment whose content is
    /// not of its declared type).
    #[error("{0}")]
    Unprocessable(String),
}

impl AppError {
    pub(crate) fn corrupt(what: impl Into<String>, detail: impl ToString) -> AppError {
        AppError::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl ToString) -> AppError {
        AppError::Invalid {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

/// The caller's scope for reading shared records: a disabled user has none, and is refused.
pub(crate) fn scope_of(
    actor: &interdict_domain::Actor,
) -> Result<interdict_domain::sharing::Scope, AppError> {
    interdict_domain::sharing::Scope::of(actor)
        .ok_or_else(|| AppError::Forbidden("the user is disabled".into()))
}
