//! A real, throwaway PostgreSQL server for a test: `initdb` and `pg_ctl` in
//! a temporary folder, listening on loopback on a free port, stopped (and
//! its folder removed) when dropped. Run as root, the server runs as the
//! `postgres` user, since PostgreSQL refuses to run as root.
//!
//! Over TCP every role signs in with a password (SCRAM); the superuser
//! `postgres` also comes in over the server's own Unix socket, without one,
//! to set the test up.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

/// The newest installed PostgreSQL's programs (`/usr/lib/postgresql/N/bin`).
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CASHIER_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/install-deps)")
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .expect("an initdb under /usr/lib/postgresql/*/bin")
        .1
}

/// Whether this process runs as root (its uid as the kernel reports it).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

impl PgServer {
    pub fn start() -> PgServer {
        let dir = tempfile::Builder::new()
            .prefix("cashier-pg-")
            .tempdir()
            .unwrap();
        let server = PgServer {
            bin: bin_dir(),
            port: crate::app::free_port(),
            dir,
        };
        if is_root() {
            let status = Command::new("chown")
                .arg("-R")
                .arg("postgres:postgres")
                .arg(server.dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the server's folder to postgres");
        }
        let out = server.run(
            "initdb",
            &[
                "-D",
                &server.data().display().to_string(),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        server.start_again();
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(program);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    /// Starts the server (again, after `kill`) and waits until it accepts
    /// connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=60",
            self.port,
            self.socket_dir().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Gives the server's processes (the postmaster, and so every backend
    /// it starts later) the lowest CPU priority: on a bench machine of two
    /// cores it then stands in for a server on another computer, and what
    /// is measured beside it is the till's own waiting, not shared cores.
    pub fn lowest_cpu_priority(&self) {
        let pid = std::fs::read_to_string(self.data().join("postmaster.pid"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_string();
        let children = Command::new("pgrep").args(["-P", &pid]).output().unwrap();
        let mut all: Vec<String> = String::from_utf8_lossy(&children.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        all.push(pid);
        let status = Command::new("renice")
            .args(["-n", "19", "-p"])
            .args(&all)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "renice the server");
        // And the idle scheduling class: it runs only on a core nothing
        // else wants, as a server on another computer would cost the till
        // nothing. Backends forked later inherit it from the postmaster.
        for pid in &all {
            let status = Command::new("chrt")
                .args(["--idle", "-a", "-p", "0", pid])
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success(), "chrt --idle the server");
        }
    }

    /// Kills the server at once, as a power cut would: SIGKILL to the
    /// postmaster and every backend. Whatever was not committed is lost,
    /// nothing committed is.
    pub fn kill(&self) {
        let pid = std::fs::read_to_string(self.data().join("postmaster.pid"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_string();
        let children = Command::new("pgrep").args(["-P", &pid]).output().unwrap();
        let mut victims: Vec<String> = String::from_utf8_lossy(&children.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        victims.push(pid.clone());
        // A backend may end by itself between pgrep and kill (kill then
        // says "no such process" for it): what matters is that none is
        // left, the postmaster first of all.
        let _ = Command::new("kill")
            .arg("-9")
            .args(&victims)
            .status()
            .unwrap();
        // Until every one of them is gone (the next start checks that no
        // process still holds the server's shared memory).
        for _ in 0..400 {
            let alive = victims
                .iter()
                .any(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
            if !alive {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "the postmaster {pid} outlived kill -9"
        );
    }

    /// Stops the server cleanly.
    pub fn stop(&self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    /// Runs SQL as the superuser over the server's own socket (`psql`),
    /// in `database`; panics with the server's words on failure.
    pub fn sql(&self, database: &str, sql: &str) -> String {
        let out = self.run(
            "psql",
            &[
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                &self.socket_dir().display().to_string(),
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ],
        );
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A login role with a password, and a database it owns.
    pub fn create_owner_and_database(&self, role: &str, password: &str, database: &str) {
        self.create_role(role, password);
        self.sql(
            "postgres",
            &format!("CREATE DATABASE {database} OWNER {role}"),
        );
    }

    /// A login role with a password (a counter's own role).
    pub fn create_role(&self, role: &str, password: &str) {
        self.sql(
            "postgres",
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{password}'"),
        );
    }

    /// `postgresql://role@127.0.0.1:port/database` (the password goes
    /// elsewhere, as a till's config keeps it).
    pub fn url(&self, role: &str, database: &str) -> String {
        format!("postgresql://{role}@127.0.0.1:{}/{database}", self.port)
    }

    /// The same place as `url`, as a libpq key/value string (for clients
    /// that take one).
    pub fn conninfo(&self, role: &str, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={role} dbname={database}",
            self.port
        )
    }

    pub fn drop_and_recreate(&self, database: &str, owner: &str) {
        self.sql(
            "postgres",
            &format!("DROP DATABASE {database} WITH (FORCE)"),
        );
        self.sql(
            "postgres",
            &format!("CREATE DATABASE {database} OWNER {owner}"),
        );
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}
