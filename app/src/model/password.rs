//! The part of the password policy the browser can check too. The server adds
//! the common-password check (see `server::password`).

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// Length rules only: no composition rules (NIST SP 800-63B).
pub fn check_password_shape(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(format!(
            "Use at least {PASSWORD_MIN} characters; a short sentence is easy to remember."
        ));
    }
    if n > PASSWORD_MAX {
        return Err(format!("Use at most {PASSWORD_MAX} characters."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_limits_count_characters_not_bytes() {
        assert!(check_password_shape("short").is_err());
        assert!(check_password_shape(&"a".repeat(11)).is_err());
        assert!(check_password_shape(&"a".repeat(12)).is_ok());
        assert!(check_password_shape(&"é".repeat(12)).is_ok());
        assert!(check_password_shape(&"a".repeat(128)).is_ok());
        assert!(check_password_shape(&"a".repeat(129)).is_err());
    }
}
