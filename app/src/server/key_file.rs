//! Keys kept in a file when the environment gives none (the audit key,
//! the secret key): read it, or on first start write a new one, readable
//! by its owner only and never overwritten.

use std::path::Path;

/// The text of the key file at `path`, and whether it was just created
/// from `fresh()`. `what` names the key in error messages.
pub fn read_or_create(
    path: &Path,
    what: &str,
    fresh: impl FnOnce() -> String,
) -> Result<(String, bool), String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text, false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = fresh();
            write_new(path, &text)
                .map_err(|e| format!("cannot create the {what} file {}: {e}", path.display()))?;
            Ok((text, true))
        }
        Err(e) => Err(format!(
            "cannot read the {what} file {}: {e}",
            path.display()
        )),
    }
}

fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}
