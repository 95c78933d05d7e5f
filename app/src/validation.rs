//! Helpers shared by every input type's `validator` rules, in the browser and on the server.

use crate::error::FieldError;

/// Flattens `validator`'s errors into the `details` of the REST contract, one per field,
/// using the rule's message (every rule in this crate sets one).
pub fn field_errors(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = errors
        .field_errors()
        .iter()
        .filter_map(|(field, errs)| {
            errs.first().map(|e| FieldError {
                field: camel_case(field),
                message: e
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| format!("{field} is invalid")),
                code: Some(e.code.to_string()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// Wire fields are camelCase; Rust fields are snake_case.
fn camel_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A text field that must not be empty (after trimming).
pub fn required(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() {
        Err(validator::ValidationError::new("required")
            .with_message("This field is required".into()))
    } else {
        Ok(())
    }
}

/// Trims surrounding whitespace; every text input passes through this before validation.
pub fn trimmed(s: &str) -> String {
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_case_fields_become_camel_case() {
        assert_eq!(super::camel_case("workspace_name"), "workspaceName");
        assert_eq!(super::camel_case("email"), "email");
    }
}
