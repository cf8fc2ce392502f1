//! `cargo xtask fetch-mitdb [--records 100,101,...] [--dir DIR]`: download MIT-BIH Arrhythmia
//! Database records from PhysioNet for the ECG tests.
//!
//! Each record is three files, `<record>.hea`, `.dat` and `.atr`, fetched from
//! `https://physionet.org/files/mitdb/1.0.0/` (or `$MEDPLUG_PHYSIONET_URL`) into `target/mitdb`.
//! Files already present are skipped; each download goes to a temporary file renamed into place
//! once complete, so an interrupted run leaves no partial record behind. The database is
//! Open Data Commons Attribution v1.0: Moody GB, Mark RG, IEEE Eng in Med and Biol 20(3):45-50
//! (2001); Goldberger AL et al., Circulation 101(23):e215-e220 (2000).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use medplug_wfdb::MITDB_DIR_ENV;

/// Where PhysioNet serves the database.
pub const PHYSIONET_URL: &str = "https://physionet.org/files/mitdb/1.0.0/";

/// The 48 records of the database (numbers 100–124 and 200–234 that exist).
pub const RECORDS: [&str; 48] = [
    "100", "101", "102", "103", "104", "105", "106", "107", "108", "109", "111", "112", "113",
    "114", "115", "116", "117", "118", "119", "121", "122", "123", "124", "200", "201", "202",
    "203", "205", "207", "208", "209", "210", "212", "213", "214", "215", "217", "219", "220",
    "221", "222", "223", "228", "230", "231", "232", "233", "234",
];

/// The files of a record: header, signals, reference annotations.
const EXTENSIONS: [&str; 3] = ["hea", "dat", "atr"];

/// Options of `fetch-mitdb`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Records to fetch, comma-separated (default: all 48).
    #[arg(long, value_delimiter = ',')]
    pub records: Vec<String>,
    /// Directory to write them to (default: target/mitdb).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Base URL of the database.
    #[arg(long, env = "MEDPLUG_PHYSIONET_URL", default_value = PHYSIONET_URL)]
    pub base_url: String,
}

/// What a fetch did: file names downloaded and skipped.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fetched {
    downloaded: Vec<String>,
    skipped: Vec<String>,
    bytes: u64,
}

/// Runs the task.
pub fn run(options: &Options) -> Result<()> {
    let dir = options
        .dir
        .clone()
        .unwrap_or_else(|| crate::project_root().join("target/mitdb"));
    let records: Vec<String> = if options.records.is_empty() {
        RECORDS.iter().map(|r| (*r).to_owned()).collect()
    } else {
        options.records.clone()
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(600)))
        .http_status_as_error(false)
        .build()
        .into();
    let fetched = fetch(&agent, &options.base_url, &records, &dir)?;
    println!(
        "fetch-mitdb: {} files downloaded ({:.1} MB), {} already present, in {}",
        fetched.downloaded.len(),
        fetched.bytes as f64 / 1e6,
        fetched.skipped.len(),
        dir.display()
    );
    let dir = dir
        .canonicalize()
        .with_context(|| format!("resolving {}", dir.display()))?;
    println!("export {MITDB_DIR_ENV}={}", dir.display());
    Ok(())
}

/// Downloads every file of `records` from `base_url` into `dir`, skipping those present.
fn fetch(agent: &ureq::Agent, base_url: &str, records: &[String], dir: &Path) -> Result<Fetched> {
    for record in records {
        if record.is_empty()
            || !record
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            bail!("record name `{record}` may hold only letters, digits and underscores");
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let base = base_url.trim_end_matches('/');
    let mut fetched = Fetched::default();
    for record in records {
        for extension in EXTENSIONS {
            let name = format!("{record}.{extension}");
            let target = dir.join(&name);
            if target.exists() {
                fetched.skipped.push(name);
                continue;
            }
            let url = format!("{base}/{name}");
            fetched.bytes += download(agent, &url, &target)?;
            println!("fetch-mitdb: {url}");
            fetched.downloaded.push(name);
        }
    }
    Ok(fetched)
}

/// Downloads `url` to `target` through a temporary file in the same directory; returns the
/// number of bytes written.
fn download(agent: &ureq::Agent, url: &str, target: &Path) -> Result<u64> {
    let response = agent
        .get(url)
        .call()
        .with_context(|| format!("downloading {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("downloading {url} failed: http status {status}");
    }
    let file_name = target
        .file_name()
        .context("a download target has a file name")?
        .to_string_lossy();
    let partial = target.with_file_name(format!(".{file_name}.{}.part", std::process::id()));
    let written = (|| -> Result<u64> {
        let mut file = File::create(&partial)?;
        let written = std::io::copy(&mut response.into_body().into_reader(), &mut file)?;
        file.flush()?;
        file.sync_all()?;
        std::fs::rename(&partial, target)?;
        Ok(written)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        e.context(format!("downloading {url} to {}", target.display()))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;
    use std::time::Instant;

    use super::*;

    /// A local HTTP/1.1 server answering GETs from `files` (404 for the rest), one connection
    /// per request, until `max_requests` have been served or 30 s have passed.
    struct Server {
        url: String,
        requests: Arc<Mutex<Vec<String>>>,
        thread: JoinHandle<()>,
    }

    impl Server {
        fn start(files: BTreeMap<&'static str, Vec<u8>>, max_requests: usize) -> Result<Self> {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            listener.set_nonblocking(true)?;
            let url = format!("http://{}/files/mitdb/1.0.0/", listener.local_addr()?);
            let requests = Arc::new(Mutex::new(Vec::new()));
            let log = Arc::clone(&requests);
            let thread = std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(30);
                let mut served = 0;
                while served < max_requests && Instant::now() < deadline {
                    let Ok((stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    };
                    served += 1;
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let mut reader = BufReader::new(stream);
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        continue;
                    }
                    // Skip the headers, up to the blank line.
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let path = request_line.split_whitespace().nth(1).unwrap_or_default();
                    let name = path.rsplit('/').next().unwrap_or_default();
                    log.lock().map(|mut l| l.push(path.to_owned())).ok();
                    let mut stream = reader.into_inner();
                    let (head, body) = match files.get(name) {
                        Some(body) => ("200 OK", body.as_slice()),
                        None => ("404 Not Found", b"not found".as_slice()),
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(body);
                }
            });
            Ok(Self {
                url,
                requests,
                thread,
            })
        }

        fn finish(self) -> Result<Vec<String>> {
            self.thread
                .join()
                .map_err(|_| anyhow::anyhow!("the test server panicked"))?;
            let requests = self
                .requests
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?;
            Ok(requests.clone())
        }
    }

    fn agent() -> ureq::Agent {
        // No proxy from the environment: the server is on this machine.
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into()
    }

    fn records(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn downloads_each_file_once_and_skips_what_is_there() -> Result<()> {
        let files = BTreeMap::from([
            ("100.hea", b"100 2 360 650000\n".to_vec()),
            ("100.dat", vec![0xe3, 0x33, 0xf3]),
            ("100.atr", vec![0, 0]),
            ("101.hea", b"101 2 360 650000\n".to_vec()),
            ("101.dat", (0..=255).collect()),
            ("101.atr", vec![0x12, 0x70, 0, 0]),
        ]);
        let server = Server::start(files.clone(), 6)?;
        let dir = tempfile::tempdir()?;
        let fetched = fetch(&agent(), &server.url, &records(&["100", "101"]), dir.path())?;
        assert_eq!(
            fetched.downloaded,
            [
                "100.hea", "100.dat", "100.atr", "101.hea", "101.dat", "101.atr"
            ]
        );
        assert_eq!(
            fetched.bytes,
            files.values().map(|f| f.len() as u64).sum::<u64>()
        );
        for (name, body) in &files {
            assert_eq!(&std::fs::read(dir.path().join(name))?, body, "{name}");
        }
        let requests = server.finish()?;
        assert_eq!(requests[0], "/files/mitdb/1.0.0/100.hea");
        assert_eq!(requests.len(), 6);

        // Everything is present: no request is made (no server is listening any more).
        let again = fetch(
            &agent(),
            "http://127.0.0.1:9/",
            &records(&["100", "101"]),
            dir.path(),
        )?;
        assert_eq!((again.downloaded.len(), again.skipped.len()), (0, 6));
        Ok(())
    }

    #[test]
    fn a_missing_file_fails_naming_url_and_status_and_leaves_nothing() -> Result<()> {
        let files = BTreeMap::from([("102.hea", b"102 2 360 650000\n".to_vec())]);
        let server = Server::start(files, 2)?;
        let dir = tempfile::tempdir()?;
        let err = fetch(&agent(), &server.url, &records(&["102"]), dir.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "downloading {}102.dat failed: http status 404 Not Found",
                server.url
            )
        );
        server.finish()?;
        let mut left: Vec<String> = std::fs::read_dir(dir.path())?
            .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_>>()?;
        left.sort();
        assert_eq!(left, ["102.hea"]);
        Ok(())
    }

    #[test]
    fn record_names_are_checked_before_any_download() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let err = fetch(
            &agent(),
            "http://127.0.0.1:9/",
            &records(&["100", "../x"]),
            dir.path(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "record name `../x` may hold only letters, digits and underscores"
        );
        Ok(())
    }

    #[test]
    fn the_default_list_is_the_48_records() {
        assert_eq!(RECORDS.len(), 48);
        let unique: std::collections::BTreeSet<_> = RECORDS.iter().collect();
        assert_eq!(unique.len(), 48);
        assert!(
            !RECORDS.contains(&"110") && !RECORDS.contains(&"120") && !RECORDS.contains(&"204")
        );
    }
}
