//! The JSON name of a wire enum's value, for texts and messages that quote it.

use serde::Serialize;

/// The name `value` serialises to (`light_brown`, `URGENT`); empty for a value that does not
/// serialise to a JSON string.
pub fn wire_name<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::wire_name;
    use crate::ErrorCode;

    #[test]
    fn enums_give_their_wire_names_and_other_values_nothing() {
        assert_eq!(wire_name(&ErrorCode::InvalidInput), "invalid_input");
        assert_eq!(wire_name(&42), "");
    }
}
