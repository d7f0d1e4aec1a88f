//! Evidence files, stored by the SHA-256 of their content. The store is a
//! small trait so an S3-compatible implementation can sit beside the
//! filesystem one; callers only put bytes and get them back by digest.

use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Content-addressed storage: the same bytes are stored once.
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` and returns their SHA-256 (lower-case hex).
    fn put(&self, bytes: &[u8]) -> io::Result<String>;
    /// The bytes stored under `sha256`.
    fn get(&self, sha256: &str) -> io::Result<Vec<u8>>;
    /// Removes what is stored under `sha256`; nothing there is no error.
    fn delete(&self, sha256: &str) -> io::Result<()>;
    /// Every stored digest with when it was last put (written or reused).
    fn list(&self) -> io::Result<Vec<(String, SystemTime)>>;
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn valid_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Files under a directory, fanned out by the digest's first two bytes:
/// `<root>/ab/cd/abcd…`. Writes go to a temporary file in the same
/// directory, are synced, then renamed into place, so a reader never sees a
/// partial file and a crash leaves no half-written blob under its name.
pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsStore { root: root.into() }
    }

    fn path(&self, digest: &str) -> PathBuf {
        self.root
            .join(&digest[..2])
            .join(&digest[2..4])
            .join(digest)
    }
}

impl BlobStore for FsStore {
    fn put(&self, bytes: &[u8]) -> io::Result<String> {
        let digest = sha256_hex(bytes);
        let path = self.path(&digest);
        if path.exists() {
            // Reused: a sweep for unused files must see it as fresh.
            std::fs::File::options()
                .write(true)
                .open(&path)?
                .set_modified(SystemTime::now())?;
            return Ok(digest);
        }
        let dir = path.parent().expect("blob path has a parent");
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(digest)
    }

    fn get(&self, sha256: &str) -> io::Result<Vec<u8>> {
        if !valid_digest(sha256) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a digest"));
        }
        let bytes = std::fs::read(self.path(sha256))?;
        // What comes back is what went in, or nothing.
        if sha256_hex(&bytes) != sha256 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "blob corrupted"));
        }
        Ok(bytes)
    }

    fn delete(&self, sha256: &str) -> io::Result<()> {
        if !valid_digest(sha256) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a digest"));
        }
        match std::fs::remove_file(self.path(sha256)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn list(&self) -> io::Result<Vec<(String, SystemTime)>> {
        let mut found = Vec::new();
        let level = |dir: &Path| -> io::Result<Vec<std::fs::DirEntry>> {
            match std::fs::read_dir(dir) {
                Ok(entries) => entries.collect(),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
                Err(e) => Err(e),
            }
        };
        for a in level(&self.root)? {
            for b in level(&a.path())? {
                for f in level(&b.path())? {
                    let name = f.file_name().to_string_lossy().into_owned();
                    // Temporary files of writes in progress are not blobs.
                    if valid_digest(&name) {
                        found.push((name, f.metadata()?.modified()?));
                    }
                }
            }
        }
        Ok(found)
    }
}

/// The root of the filesystem store inside the data directory.
pub fn default_root(data_dir: &Path) -> PathBuf {
    data_dir.join("evidence")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_stored_once_by_content_and_checked_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::new(dir.path());
        let a = store.put(b"hello evidence").unwrap();
        assert_eq!(a, sha256_hex(b"hello evidence"));
        assert_eq!(store.put(b"hello evidence").unwrap(), a);
        assert_eq!(store.get(&a).unwrap(), b"hello evidence");
        assert!(store.get("../../etc/passwd").is_err());
        assert!(store.get(&"0".repeat(64)).is_err());
        // Tampered content is refused, not served.
        std::fs::write(store.path(&a), b"changed").unwrap();
        assert!(store.get(&a).is_err());
        // No temporary files are left behind.
        let leftovers: Vec<_> = std::fs::read_dir(store.path(&a).parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(leftovers.len(), 1);
        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, a);
        store.delete(&a).unwrap();
        store.delete(&a).unwrap();
        assert!(store.get(&a).is_err());
        assert!(store.list().unwrap().is_empty());
        assert!(store.delete("../x").is_err());
    }
}
