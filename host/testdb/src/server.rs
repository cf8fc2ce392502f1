//! [`TestPostgres`]: starting, using and stopping one server.

use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::account::{self, Account};
use crate::binaries::Binaries;
use crate::{StartError, guardian};

/// The superuser `initdb` creates; trusted on loopback, no password.
pub(crate) const SUPERUSER: &str = "medplug_admin";
/// The role that owns the databases [`TestPostgres::create_database`] makes.
pub(crate) const OWNER: &str = "medplug";
/// A role with the same password that owns nothing.
pub(crate) const SERVICE: &str = "medplug_service";

/// How long the server may take to accept connections after `pg_ctl start`.
const READY_WITHIN: Duration = Duration::from_secs(30);
/// Ports taken between choosing one and the server binding it are retried this many times.
const PORT_ATTEMPTS: usize = 3;

/// Names unique in this process: servers' directories and databases.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A PostgreSQL server of the test's own, on loopback, on a temporary data directory.
#[derive(Debug)]
pub struct TestPostgres {
    /// The temporary directory: `data/` (the data directory), `postgres.log`, the Unix socket.
    base: PathBuf,
    port: u16,
    pid: u32,
    password: String,
    binaries: Binaries,
    /// Who runs the server when this process is root.
    account: Option<Account>,
    /// The shell that started the server and stops it when this process ends (see
    /// [`guardian`]); `None` once stopped.
    guardian: Mutex<Option<Child>>,
}

impl TestPostgres {
    /// Starts one (initdb + postgres), or fails with a clear StartError.
    pub fn start() -> Result<TestPostgres, StartError> {
        let binaries = Binaries::find()?;
        let account = if account::is_root() {
            let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
            Some(
                account::server_account(&passwd).ok_or_else(|| StartError::Setup {
                    step: "finding a user to run the server as (PostgreSQL refuses root)".into(),
                    detail: "neither `postgres` nor `nobody` is in /etc/passwd".into(),
                })?,
            )
        } else {
            None
        };
        let password = random_password()?;
        // From here on, dropping `server` on an error removes what was made.
        let mut server = TestPostgres {
            base: make_base(account.as_ref())?,
            port: 0,
            pid: 0,
            password,
            binaries,
            account,
            guardian: Mutex::new(None),
        };
        server.init()?;
        server.run()?;
        server.create_roles()?;
        Ok(server)
    }

    /// The one server of this test process, started on first use and stopped when the process
    /// exits (by its guardian: statics are never dropped).
    ///
    /// # Panics
    ///
    /// With the [`StartError`]'s message if it cannot start.
    pub fn shared() -> &'static TestPostgres {
        static SHARED: OnceLock<TestPostgres> = OnceLock::new();
        SHARED.get_or_init(|| TestPostgres::start().unwrap_or_else(|error| panic!("{error}")))
    }

    /// A new, empty database on this server, owned by the role `medplug`; returns its URL
    /// without the password: `postgres://medplug@127.0.0.1:PORT/NAME`.
    ///
    /// `NAME` is `prefix` (lower-cased, other characters than `a-z`, `0-9` and `_` made `_`,
    /// at most 40 of them), a counter and this process's id: `audit_3_4242`.
    ///
    /// # Panics
    ///
    /// With psql's message if the database cannot be created.
    pub fn create_database(&self, prefix: &str) -> String {
        let name = database_name(prefix, COUNTER.fetch_add(1, Ordering::Relaxed));
        self.psql(
            "postgres",
            &format!("CREATE DATABASE \"{name}\" OWNER \"{OWNER}\""),
        );
        format!("postgres://{OWNER}@127.0.0.1:{}/{name}", self.port)
    }

    /// The password of the roles `medplug` and `medplug_service`.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The server's TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id (of the postmaster), for tests that kill it.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The URL of `database` for the superuser `medplug_admin`, which needs no password:
    /// `postgres://medplug_admin@127.0.0.1:PORT/DATABASE`.
    pub fn superuser_url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs SQL as the superuser in `database` with psql, returns stdout (unaligned, tuples
    /// only: `SELECT 1` gives `"1\n"`). The statements are read from standard input, one at a
    /// time, so `CREATE DATABASE` works; the first error stops them.
    ///
    /// # Panics
    ///
    /// With psql's stderr if psql fails.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let output = self
            .run_psql(SUPERUSER, None, database, sql)
            .unwrap_or_else(|error| panic!("test PostgreSQL: cannot run psql: {error}"));
        if !output.status.success() {
            panic!(
                "test PostgreSQL: psql in database {database:?} failed ({}): {}\nSQL: {sql}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Stops the server (pg_ctl stop -m fast) and removes the data directory; Drop does the
    /// same.
    pub fn stop(self) {
        drop(self);
    }

    /// The temporary directory the server lives in.
    #[cfg(test)]
    pub(crate) fn base(&self) -> &Path {
        &self.base
    }

    /// psql as `user` (with `password` in `PGPASSWORD`, else none) on `database`, `sql` on its
    /// standard input; no `~/.psqlrc`, no `PG*` settings from the environment.
    pub(crate) fn run_psql(
        &self,
        user: &str,
        password: Option<&str>,
        database: &str,
        sql: &str,
    ) -> std::io::Result<Output> {
        let mut command = Command::new(&self.binaries.psql);
        command
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", user, "-d", database, "-f", "-"])
            .current_dir(&self.base);
        for variable in [
            "PGPASSWORD",
            "PGPASSFILE",
            "PGSERVICE",
            "PGSERVICEFILE",
            "PGOPTIONS",
            "PGSSLMODE",
            "PGHOST",
            "PGHOSTADDR",
        ] {
            command.env_remove(variable);
        }
        command.env("PGCONNECT_TIMEOUT", "10");
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        } else {
            // No ~/.pgpass either: a role that needs a password must fail without one.
            command.env("PGPASSFILE", "/dev/null");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().expect("psql's stdin is piped");
        let sql = sql.to_owned();
        // A thread, so that a long script and a long result cannot block each other.
        let writer = std::thread::spawn(move || stdin.write_all(sql.as_bytes()));
        let output = child.wait_with_output()?;
        // psql may exit (on an error) before reading everything: a broken pipe is its business.
        let _ = writer.join();
        Ok(output)
    }

    /// A command that runs `program` as the server's user.
    fn as_server_user(&self, program: &Path) -> Command {
        let mut command = match &self.account {
            Some(account) => {
                let mut command = Command::new("runuser");
                command.args(["-u", &account.name, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        };
        // The project tree may not be traversable by the server's user.
        command.current_dir(&self.base).stdin(Stdio::null());
        command
    }

    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    /// `initdb`, then the settings: loopback only, durable commits, passwords for all but the
    /// superuser.
    fn init(&self) -> Result<(), StartError> {
        let output = self
            .as_server_user(&self.binaries.initdb)
            .arg("-D")
            .arg(self.data())
            .args(["-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C"])
            // The directory is thrown away: no need to flush it to disk (the server's commits
            // are still durable, below).
            .args(["--no-sync", "--no-instructions"])
            .output()
            .map_err(|error| setup("running initdb", error))?;
        if !output.status.success() {
            return Err(setup(
                "initdb",
                format!(
                    "{}: {}\n(its output: {})",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim(),
                    String::from_utf8_lossy(&output.stdout).trim()
                ),
            ));
        }
        let hba = format!(
            "# medplug-testdb: the superuser is trusted on loopback; every other role gives its \
             password.\n\
             local all {SUPERUSER} trust\n\
             host all {SUPERUSER} 127.0.0.1/32 trust\n\
             host all {SUPERUSER} ::1/128 trust\n\
             local all all scram-sha-256\n\
             host all all 127.0.0.1/32 scram-sha-256\n\
             host all all ::1/128 scram-sha-256\n"
        );
        std::fs::write(self.data().join("pg_hba.conf"), hba)
            .map_err(|error| setup("writing pg_hba.conf", error))?;
        let socket_dir = self.base.display().to_string().replace('\'', "''");
        let settings = format!(
            "\n# medplug-testdb\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{socket_dir}'\n\
             max_connections = 200\n\
             shared_buffers = 32MB\n\
             fsync = on\n\
             synchronous_commit = on\n\
             password_encryption = 'scram-sha-256'\n\
             log_min_messages = warning\n"
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(self.data().join("postgresql.conf"))
            .and_then(|mut conf| conf.write_all(settings.as_bytes()))
            .map_err(|error| setup("writing postgresql.conf", error))
    }

    /// Starts the server under its guardian on a free port (another if that one was taken in
    /// the meantime) and waits until it accepts connections.
    fn run(&mut self) -> Result<(), StartError> {
        for attempt in 1..=PORT_ATTEMPTS {
            self.port = free_port()?;
            let started = Instant::now();
            let child = guardian::spawn(
                self.account.as_ref().map(|account| account.name.as_str()),
                &self.binaries.pg_ctl,
                &self.base,
                self.port,
            )
            .map_err(|error| setup("starting the guardian shell (sh)", error))?;
            *self.guardian.get_mut().expect("not poisoned") = Some(child);
            match self.wait_for_guardian(started)? {
                true => break,
                false => {
                    let log = self.log_tail();
                    let out =
                        std::fs::read_to_string(self.base.join("pg_ctl.out")).unwrap_or_default();
                    if attempt < PORT_ATTEMPTS && log.contains("Address already in use") {
                        self.kill_guardian();
                        let _ = std::fs::remove_file(self.base.join("status"));
                        let _ = std::fs::remove_file(self.base.join("postgres.log"));
                        continue;
                    }
                    return Err(StartError::Server {
                        reason: format!("`pg_ctl start` failed: {}", out.trim()),
                        log,
                    });
                }
            }
        }
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            let ready = Command::new(&self.binaries.pg_isready)
                .args(["-q", "-h", "127.0.0.1", "-t", "1", "-p"])
                .arg(self.port.to_string())
                .current_dir(&self.base)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|error| setup("running pg_isready", error))?;
            if ready.success() {
                break;
            }
            if Instant::now() >= deadline {
                return Err(self.server_error(format!(
                    "not accepting connections on port {} after {READY_WITHIN:?}",
                    self.port
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let pid_file = std::fs::read_to_string(self.data().join("postmaster.pid"))
            .map_err(|error| self.server_error(format!("reading postmaster.pid: {error}")))?;
        self.pid = pid_file
            .lines()
            .next()
            .and_then(|line| line.trim().parse().ok())
            .ok_or_else(|| self.server_error(format!("no pid in postmaster.pid: {pid_file:?}")))?;
        Ok(())
    }

    /// Waits for the guardian's `status`: `true` when `pg_ctl start` succeeded.
    fn wait_for_guardian(&mut self, started: Instant) -> Result<bool, StartError> {
        let status = self.base.join("status");
        // pg_ctl gives up after 30 s itself (`-t 30`).
        let deadline = started + READY_WITHIN + Duration::from_secs(10);
        loop {
            if let Ok(text) = std::fs::read_to_string(&status) {
                return Ok(text.trim() == "started");
            }
            let guardian = self.guardian.get_mut().expect("not poisoned");
            if let Some(child) = guardian.as_mut()
                && let Ok(Some(exit)) = child.try_wait()
            {
                return Err(self.server_error(format!("the guardian shell ended early ({exit})")));
            }
            if Instant::now() >= deadline {
                return Err(self.server_error(format!(
                    "`pg_ctl start` did not return within {:?}",
                    deadline - started
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The roles `medplug` and `medplug_service`, with the password.
    fn create_roles(&self) -> Result<(), StartError> {
        let password = &self.password;
        let sql = format!(
            "CREATE ROLE \"{OWNER}\" LOGIN PASSWORD '{password}';\n\
             CREATE ROLE \"{SERVICE}\" LOGIN PASSWORD '{password}';\n"
        );
        let output = self
            .run_psql(SUPERUSER, None, "postgres", &sql)
            .map_err(|error| setup("running psql", error))?;
        if !output.status.success() {
            return Err(self.server_error(format!(
                "creating the roles failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(())
    }

    fn server_error(&self, reason: String) -> StartError {
        StartError::Server {
            reason,
            log: self.log_tail(),
        }
    }

    /// The last 30 lines of the server's log.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.base.join("postgres.log"))
            .unwrap_or_else(|error| format!("(no log: {error})\n"));
        let lines: Vec<&str> = log.lines().collect();
        let mut tail = String::new();
        for line in &lines[lines.len().saturating_sub(30)..] {
            let _ = writeln!(tail, "  {line}");
        }
        tail
    }

    /// Kills the guardian (SIGKILL: it must not clean up) and reaps it.
    fn kill_guardian(&mut self) {
        if let Some(mut child) = self.guardian.get_mut().expect("not poisoned").take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let guarded = self
            .guardian
            .get_mut()
            .map(|guardian| guardian.is_some())
            .unwrap_or(true);
        if guarded {
            // Stop the server first: the guardian stops it only when this process ends.
            let stop = |mode: &str| {
                self.as_server_user(&self.binaries.pg_ctl)
                    .arg("stop")
                    .arg("-D")
                    .arg(self.data())
                    .args(["-m", mode, "-s", "-t", "30"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|status| status.success())
            };
            if !stop("fast") {
                // Not running any more (a test killed it), or stuck: make sure.
                stop("immediate");
            }
            self.kill_guardian();
        }
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// `prefix_COUNTER_PID`, `prefix` made a plain lower-case identifier.
fn database_name(prefix: &str, counter: u64) -> String {
    let mut clean: String = prefix
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if !clean.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        clean.insert_str(0, "db_");
    }
    format!("{clean}_{counter}_{}", std::process::id())
}

/// A new directory under the system's temporary directory, `medplug-pg-PID-N`, mode 0700,
/// owned by `account` when given.
fn make_base(account: Option<&Account>) -> Result<PathBuf, StartError> {
    let temp = std::env::temp_dir();
    let base = loop {
        let candidate = temp.join(format!(
            "medplug-pg-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::create_dir(&candidate) {
            Ok(()) => break candidate,
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(setup(&format!("creating {}", candidate.display()), error));
            }
        }
    };
    let prepared = std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o700))
        .and_then(|()| match account {
            Some(account) => std::os::unix::fs::chown(&base, Some(account.uid), Some(account.gid)),
            None => Ok(()),
        });
    if let Err(error) = prepared {
        let _ = std::fs::remove_dir_all(&base);
        return Err(setup(&format!("preparing {}", base.display()), error));
    }
    Ok(base)
}

/// A port nobody listens on now (the OS's choice for port 0).
fn free_port() -> Result<u16, StartError> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| setup("finding a free port", error))
}

/// 32 hexadecimal digits from the OS's randomness.
fn random_password() -> Result<String, StartError> {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .map_err(|error| setup("reading /dev/urandom for a password", error))?;
    Ok(bytes.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    }))
}

fn setup(step: &str, detail: impl std::fmt::Display) -> StartError {
    StartError::Setup {
        step: step.to_owned(),
        detail: detail.to_string(),
    }
}

#[cfg(test)]
pub(crate) fn name_for_tests(prefix: &str) -> String {
    database_name(prefix, 7)
}
