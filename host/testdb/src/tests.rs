//! The crate's tests: finding the programs, the roles and their passwords, stopping, and no
//! server left behind by a test process that ended (normally or killed).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::TestPostgres;
use crate::account::{Account, server_account};
use crate::binaries::Binaries;
use crate::server::{OWNER, SERVICE, name_for_tests};

/// Set in a child process of `the_guardian_stops_the_shared_server_when_its_process_ends`:
/// `exit` (end normally) or `hang` (wait to be killed).
const CHILD: &str = "MEDPLUG_TESTDB_CHILD";

/// Whether process `pid` runs (a zombie does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
        !state.starts_with('Z') && !state.starts_with('X')
    })
}

/// Waits up to `limit` for `condition`.
fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().expect("in a directory")).expect("mkdir");
    std::fs::write(path, "#!/bin/sh\n").expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn the_highest_version_under_the_library_root_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = dir.path().join("lib");
    for version in ["9.6", "15", "16"] {
        for program in ["initdb", "pg_ctl", "postgres", "psql", "pg_isready"] {
            executable(&lib.join(version).join("bin").join(program));
        }
    }
    // 17 is incomplete (no postgres), `common` is not a version.
    executable(&lib.join("17/bin/initdb"));
    executable(&lib.join("common/bin/initdb"));
    let found = Binaries::find_in(&[], &lib).expect("found");
    assert_eq!(found.initdb, lib.join("16/bin/initdb"));
    assert_eq!(found.pg_ctl, lib.join("16/bin/pg_ctl"));
    assert_eq!(found.psql, lib.join("16/bin/psql"));
    assert!(Binaries::find_in(&[], &dir.path().join("nothing")).is_none());
}

#[test]
fn an_initdb_on_path_wins_and_clients_may_come_from_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = dir.path().join("server");
    for program in ["initdb", "pg_ctl", "postgres"] {
        executable(&server.join(program));
    }
    let clients = dir.path().join("clients");
    for program in ["psql", "pg_isready"] {
        executable(&clients.join(program));
    }
    // A link on PATH to the installation's initdb, as /usr/local/bin/initdb on this project's
    // machines: the installation's directory is used.
    let links = dir.path().join("links");
    std::fs::create_dir_all(&links).expect("mkdir");
    std::os::unix::fs::symlink(server.join("initdb"), links.join("initdb")).expect("symlink");
    let lib = dir.path().join("lib");
    for program in ["initdb", "pg_ctl", "postgres", "psql", "pg_isready"] {
        executable(&lib.join("15/bin").join(program));
    }
    let path: Vec<PathBuf> = vec![links, clients.clone()];
    let found = Binaries::find_in(&path, &lib).expect("found");
    let server = std::fs::canonicalize(&server).expect("canonical");
    assert_eq!(found.initdb, server.join("initdb"));
    assert_eq!(found.pg_ctl, server.join("pg_ctl"));
    assert_eq!(found.psql, clients.join("psql"));
    assert_eq!(found.pg_isready, clients.join("pg_isready"));
}

#[test]
fn the_not_installed_message_says_what_to_do() {
    assert_eq!(
        crate::StartError::NotInstalled.to_string(),
        "PostgreSQL's server is not installed (initdb not found on PATH or under \
         /usr/lib/postgresql/*/bin): `cargo xtask test` installs it from Debian's packages, or \
         run `apt-get install postgresql`"
    );
}

#[test]
fn root_runs_the_server_as_postgres_else_nobody() {
    let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                  nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n\
                  postgres:x:101:104:PostgreSQL administrator:/var/lib/postgresql:/bin/bash\n";
    let account = |name: &str, uid, gid| Account {
        name: name.to_owned(),
        uid,
        gid,
    };
    assert_eq!(server_account(passwd), Some(account("postgres", 101, 104)));
    let without = passwd.replace("postgres:", "pg:");
    assert_eq!(
        server_account(&without),
        Some(account("nobody", 65534, 65534))
    );
    assert_eq!(server_account("root:x:0:0::/root:/bin/sh\n"), None);
}

#[test]
fn database_names_are_plain_identifiers() {
    let pid = std::process::id();
    assert_eq!(name_for_tests("audit"), format!("audit_7_{pid}"));
    assert_eq!(
        name_for_tests("Patient-Store"),
        format!("patient_store_7_{pid}")
    );
    assert_eq!(name_for_tests("9lives"), format!("db_9lives_7_{pid}"));
    assert_eq!(name_for_tests(""), format!("db__7_{pid}"));
}

#[test]
fn a_server_has_owned_databases_password_roles_and_stops_clean() {
    let started = Instant::now();
    let server = TestPostgres::start().unwrap_or_else(|error| panic!("{error}"));
    println!("initdb + start + ready + roles: {:?}", started.elapsed());
    let base = server.base().to_path_buf();
    let pid = server.pid();
    assert!(base.join("data/PG_VERSION").exists());
    assert!(running(pid));
    assert_eq!(server.psql("postgres", "SELECT 1"), "1\n");
    // Durable commits, loopback only, room for pools.
    assert_eq!(
        server.psql(
            "postgres",
            "SELECT current_setting('fsync'), current_setting('synchronous_commit'), \
             current_setting('max_connections'), current_setting('listen_addresses')"
        ),
        "on|on|200|127.0.0.1\n"
    );

    let first = server.create_database("audit");
    let second = server.create_database("audit");
    assert_ne!(first, second);
    let prefix = format!("postgres://medplug@127.0.0.1:{}/audit_", server.port());
    assert!(first.starts_with(&prefix), "{first}");
    let name = |url: &str| url.rsplit('/').next().expect("a name").to_owned();
    for url in [&first, &second] {
        // Empty, owned by `medplug`, reachable with the password.
        assert_eq!(
            server.psql(
                &name(url),
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ),
            "0\n"
        );
        let owner = server
            .run_psql(
                OWNER,
                Some(server.password()),
                &name(url),
                "SELECT pg_get_userbyid(datdba) FROM pg_database \
                 WHERE datname = current_database()",
            )
            .expect("psql");
        assert!(
            owner.status.success(),
            "{}",
            String::from_utf8_lossy(&owner.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&owner.stdout), "medplug\n");
    }
    assert_eq!(
        server.superuser_url("postgres"),
        format!(
            "postgres://medplug_admin@127.0.0.1:{}/postgres",
            server.port()
        )
    );

    // `medplug` needs its password: a wrong one and none both fail.
    for password in [Some("wrong"), None] {
        let refused = server
            .run_psql(OWNER, password, &name(&first), "SELECT 1")
            .expect("psql");
        assert!(!refused.status.success(), "{password:?} was accepted");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("password authentication failed") || stderr.contains("no password"),
            "{stderr}"
        );
    }
    // `medplug_service` logs in with the same password and owns nothing.
    let service = server
        .run_psql(
            SERVICE,
            Some(server.password()),
            &name(&first),
            "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user; \
             SELECT count(*) FROM pg_database WHERE datdba = \
             (SELECT oid FROM pg_roles WHERE rolname = current_user)",
        )
        .expect("psql");
    assert!(
        service.status.success(),
        "{}",
        String::from_utf8_lossy(&service.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&service.stdout), "f|f\n0\n");

    server.stop();
    assert!(!base.exists(), "{} is left", base.display());
    assert!(!running(pid), "postgres {pid} still runs");
}

#[test]
fn dropping_a_server_stops_it_even_after_it_was_killed() {
    let server = TestPostgres::start().unwrap_or_else(|error| panic!("{error}"));
    let (base, pid) = (server.base().to_path_buf(), server.pid());
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert!(eventually(Duration::from_secs(10), || !running(pid)));
    drop(server);
    assert!(!base.exists(), "{} is left", base.display());
}

/// In a child process (`MEDPLUG_TESTDB_CHILD` set): uses the shared server, prints its pid and
/// directory, then ends (`exit`) or waits to be killed (`hang`). Otherwise it does nothing.
#[test]
fn child_process_using_the_shared_server() {
    let Ok(mode) = std::env::var(CHILD) else {
        return;
    };
    let server = TestPostgres::shared();
    assert!(std::ptr::eq(server, TestPostgres::shared()));
    server.create_database("child");
    println!(
        "{CHILD} pid={} base={}",
        server.pid(),
        server.base().display()
    );
    if mode == "hang" {
        std::thread::sleep(Duration::from_secs(120));
    }
}

#[test]
fn the_guardian_stops_the_shared_server_when_its_process_ends() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let spawn = |mode: &str| {
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "--exact",
                "tests::child_process_using_the_shared_server",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, mode)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawning the test binary");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let line = lines
            .by_ref()
            .map(|line| line.expect("utf-8"))
            .find_map(|line| {
                // libtest prints `test NAME ... ` before the test's own output, on its line.
                line.find(CHILD).map(|at| line[at..].to_owned())
            })
            .expect("the child's report");
        // The rest, so that the child's last lines do not meet a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let (pid, base) = line
            .split_once(" pid=")
            .and_then(|(_, rest)| rest.split_once(" base="))
            .expect("pid and base");
        (
            child,
            pid.parse::<u32>().expect("a pid"),
            PathBuf::from(base),
        )
    };
    // Both at once: one ends normally (its static is never dropped), one is killed.
    let (mut ended, ended_pid, ended_base) = spawn("exit");
    let (mut killed, killed_pid, killed_base) = spawn("hang");
    assert!(ended.wait().expect("wait").success());
    killed.kill().expect("kill");
    let _ = killed.wait();
    for (pid, base) in [(ended_pid, ended_base), (killed_pid, killed_base)] {
        assert!(
            eventually(Duration::from_secs(10), || !running(pid) && !base.exists()),
            "postgres {pid} (running: {}) or {} (exists: {}) outlived its test process",
            running(pid),
            base.display(),
            base.exists()
        );
    }
}
