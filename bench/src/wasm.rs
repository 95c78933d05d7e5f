//! Size of the client bundle as shipped: raw and brotli-compressed, for the page that needs the
//! most of it before it hydrates.
//!
//! A split build (`cargo leptos build --release --split`) ships the main module and one module
//! per page group, with `__wasm_split_manifest.json` listing the files each group's first use
//! fetches (its own and the chunks it shares with other groups). A page's first load is the
//! main module plus those files; without a manifest it is the main module alone.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The strongest settings, as a static pre-compression step would use.
const QUALITY: u32 = 11;
const LGWIN: u32 = 22;

#[derive(Debug, Clone, Copy, Default)]
pub struct Size {
    pub raw: u64,
    pub brotli: u64,
}

impl std::ops::Add for Size {
    type Output = Size;
    fn add(self, other: Size) -> Size {
        Size {
            raw: self.raw + other.raw,
            brotli: self.brotli + other.brotli,
        }
    }
}

pub struct WasmSize {
    /// The main module.
    pub path: PathBuf,
    pub main: Size,
    /// Each page group's first load (the main module and the group's files), by split name.
    pub groups: BTreeMap<String, Size>,
    /// Every WASM file of the site.
    pub all: Size,
}

impl WasmSize {
    /// The most any page fetches before it hydrates: what the size target is about.
    pub fn heaviest_first_load(&self) -> (String, Size) {
        self.groups
            .iter()
            .max_by_key(|(_, size)| size.brotli)
            .map(|(name, size)| (name.clone(), *size))
            .unwrap_or_else(|| ("every page".to_string(), self.main))
    }
}

/// `Ok(None)` when the bundle has not been built (the report says so); other I/O errors fail.
pub async fn measure(path: PathBuf) -> Result<Option<WasmSize>> {
    let Some(main) = file_size(&path).await? else {
        return Ok(None);
    };
    let pkg = path
        .parent()
        .context("the bundle's directory")?
        .to_path_buf();
    let mut sizes: HashMap<String, Size> = HashMap::new();
    let mut all = main;
    let mut dir = tokio::fs::read_dir(&pkg).await?;
    while let Some(entry) = dir.next_entry().await? {
        let file = entry.path();
        if file == path || file.extension().is_none_or(|e| e != "wasm") {
            continue;
        }
        if let Some(size) = file_size(&file).await? {
            all = all + size;
            sizes.insert(entry.file_name().to_string_lossy().into_owned(), size);
        }
    }
    let mut groups = BTreeMap::new();
    if let Some(manifest) = manifest(&pkg).await? {
        for (split, files) in manifest {
            let mut load = main;
            for file in files {
                // Listed without the extension (`chunk_12`, `split_inbox_page_…`).
                let name = Path::new(&file).with_extension("wasm");
                let name = name
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or(file);
                let size = sizes
                    .get(&name)
                    .with_context(|| format!("{name}, listed by the split manifest, is missing"))?;
                load = load + *size;
            }
            groups.insert(split, load);
        }
    }
    Ok(Some(WasmSize {
        path,
        main,
        groups,
        all,
    }))
}

/// The split manifest (`__wasm_split_manifest.json`, or its hashed name), if the build split.
async fn manifest(pkg: &Path) -> Result<Option<HashMap<String, Vec<String>>>> {
    let mut dir = tokio::fs::read_dir(pkg).await?;
    while let Some(entry) = dir.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("__wasm_split_manifest") && name.ends_with(".json") {
            let text = tokio::fs::read_to_string(entry.path()).await?;
            return Ok(Some(
                serde_json::from_str(&text).with_context(|| format!("reading {name}"))?,
            ));
        }
    }
    Ok(None)
}

async fn file_size(path: &Path) -> Result<Option<Size>> {
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let raw = bytes.len() as u64;
    // Quality 11 takes seconds on a multi-megabyte file: keep it off the async workers.
    let brotli = tokio::task::spawn_blocking(move || brotli_len(&bytes))
        .await
        .context("brotli task")??;
    Ok(Some(Size { raw, brotli }))
}

fn brotli_len(input: &[u8]) -> Result<u64> {
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, QUALITY, LGWIN);
    writer.write_all(input).context("brotli compression")?;
    // `into_inner` finishes the stream, writing the last block.
    Ok(writer.into_inner().len() as u64)
}
