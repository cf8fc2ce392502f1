//! Writing a new key file: readable by its owner only, never over an existing file, never left
//! half-written.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Creates `path` holding `contents`, with mode 0600 on unix. Fails with
/// [`io::ErrorKind::AlreadyExists`] when the file exists; removes the file again when the
/// write fails.
pub(crate) fn create_secret_file(path: &Path, contents: &str) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    if let Err(error) = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = fs::remove_file(path);
        return Err(error);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_file_is_private_and_never_overwritten() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("k");
        create_secret_file(&path, "one\n")?;
        let again = create_secret_file(&path, "two\n").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&path)?, "one\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        Ok(())
    }
}
