//! Embeds the files of `static/` in the binary, with a fingerprint of their
//! contents, so that the server serves them from wherever it is started and
//! a new release changes their URLs' `?v=` (browsers cache them long).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let dir = root.join("static");
    println!("cargo::rerun-if-changed=static");
    let mut found = Vec::new();
    files(&dir, &mut found)?;
    let mut named = Vec::new();
    for path in found {
        let name = path
            .strip_prefix(&dir)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        named.push((name, path));
    }
    named.sort();
    let mut hasher = DefaultHasher::new();
    let mut table = String::from("/// (path under `/static/`, contents), by path.\n");
    table.push_str("pub(crate) static FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in &named {
        name.hash(&mut hasher);
        fs::read(path)?.hash(&mut hasher);
        table.push_str(&format!("    ({name:?}, include_bytes!({path:?})),\n"));
    }
    table.push_str("];\n\n/// A fingerprint of every file's name and contents.\n");
    table.push_str(&format!(
        "pub(crate) const VERSION: &str = \"{:012x}\";\n",
        hasher.finish() >> 16
    ));
    let out = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out.join("assets.rs"), table)
}
