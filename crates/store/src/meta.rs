//! Small platform settings (`platform_meta`): a key and a text value, e.g. whether
//! `interdict admin init` ran.

use crate::sql::Value;
use crate::{StoreError, Tx};

impl Tx<'_> {
    pub fn meta_get(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        let operation = "read a setting (platform_meta)";
        match self.query_opt(
            operation,
            "SELECT value FROM platform_meta WHERE key = $1",
            &[Value::Text(key)],
        )? {
            Some(mut row) => row.text(0).map(Some),
            None => Ok(None),
        }
    }

    /// Sets `key` to `value`, replacing any earlier value.
    pub fn meta_set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let operation = "write a setting (platform_meta)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "INSERT INTO platform_meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[Value::Text(key), Value::Text(value)],
        )?;
        Ok(())
    }
}
