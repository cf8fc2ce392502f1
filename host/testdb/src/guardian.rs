//! The guardian: a shell, child of the test process, that starts the server and stops it when
//! the test process is gone.
//!
//! A [`TestPostgres`](crate::TestPostgres) in a static (`shared`) is never dropped, and a test
//! process may be killed or may `exit`; either way nothing would stop its server. So the server
//! is started by `sh`, which then polls the test process every half second and, once it has
//! ended (or is a zombie), stops the server (`pg_ctl stop -m immediate`) and removes its
//! directory. It ignores SIGINT and SIGHUP, so that a Ctrl-C at the terminal, which ends the
//! tests, does not end it first; on SIGTERM it cleans up at once. `stop` and `Drop` stop the
//! server themselves and then kill the guardian with SIGKILL.
//!
//! Its protocol with [`TestPostgres::start`](crate::TestPostgres::start): after `pg_ctl start
//! -w` returns it renames `status.tmp` to `status` in the server's directory, with `started` or
//! `failed` in it; `pg_ctl`'s own output is in `pg_ctl.out`, the server's in `postgres.log`.

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The guardian. Arguments: the test process's id, the user to run the server as (empty: this
/// process's user), `pg_ctl`, the server's directory (data directory `data/` inside), the port.
const SCRIPT: &str = r#"
test_pid=$1 user=$2 pg_ctl=$3 base=$4 port=$5
trap '' INT HUP QUIT TSTP PIPE
as_user() {
    if [ -n "$user" ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}
cleanup() {
    as_user "$pg_ctl" stop -D "$base/data" -m immediate -s >/dev/null 2>&1
    rm -rf "$base"
    exit 0
}
trap cleanup TERM
alive() {
    kill -0 "$test_pid" 2>/dev/null || return 1
    # A zombie (ended, not yet reaped by its parent) is gone too.
    stat=
    read -r stat <"/proc/$test_pid/stat" 2>/dev/null || return 0
    state=${stat##*) }
    [ "${state%% *}" != Z ]
}
if as_user "$pg_ctl" start -D "$base/data" -l "$base/postgres.log" -o "-p $port" -w -t 30 -s \
    <"/dev/null" >"$base/pg_ctl.out" 2>&1; then
    echo started >"$base/status.tmp"
else
    echo failed >"$base/status.tmp"
fi
mv "$base/status.tmp" "$base/status"
while alive; do sleep 0.5; done
cleanup
"#;

/// Starts the guardian of the server in `base` (which it starts on `port`, as `user` when
/// given), watching this process. Its standard streams are `/dev/null`: a guardian holding the
/// test's stdout open would keep whoever reads it (`cargo xtask test`) waiting after the test
/// ended.
pub(crate) fn spawn(
    user: Option<&str>,
    pg_ctl: &Path,
    base: &Path,
    port: u16,
) -> std::io::Result<Child> {
    Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("medplug-pg-guardian")
        .arg(std::process::id().to_string())
        .arg(user.unwrap_or(""))
        .arg(pg_ctl)
        .arg(base)
        .arg(port.to_string())
        .current_dir(base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}
