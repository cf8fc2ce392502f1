//! Who runs the server. PostgreSQL refuses to run as root, so a root test process (sessions, CI)
//! runs `initdb`, `pg_ctl` and the server as `postgres` (the user Debian's package creates), else
//! `nobody`, through `runuser`; any other user runs them itself.

use std::process::Command;

/// An unprivileged user to run the server as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    /// The login name `runuser -u` takes.
    pub(crate) name: String,
    /// Its user id, the owner of the server's directory.
    pub(crate) uid: u32,
    /// Its primary group.
    pub(crate) gid: u32,
}

/// Whether this process's effective user is root: from `/proc/self/status` (`Uid: real
/// effective saved fs`), else `id -u`.
pub(crate) fn is_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(euid) = status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
    {
        return euid == "0";
    }
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

/// The user a root process runs the server as: `postgres`, else `nobody`, from `passwd`'s text.
pub(crate) fn server_account(passwd: &str) -> Option<Account> {
    ["postgres", "nobody"]
        .iter()
        .find_map(|name| lookup(passwd, name))
}

/// `name`'s entry in `/etc/passwd`-formatted `passwd`.
fn lookup(passwd: &str, name: &str) -> Option<Account> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != name {
            return None;
        }
        let _password = fields.next()?;
        Some(Account {
            name: name.to_owned(),
            uid: fields.next()?.parse().ok()?,
            gid: fields.next()?.parse().ok()?,
        })
    })
}
