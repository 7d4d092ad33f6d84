//! A PostgreSQL server of a test's own: to kill (crash.rs) or to stream to a replica (replica.rs).

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A PostgreSQL server of the test's own (initdb in a temporary directory, on a free port), so that the test can
/// kill the postmaster and every backend with SIGKILL, as a power cut would, and start it again (crash recovery
/// from its WAL). The server binaries run as the `postgres` user when the test runs as root (initdb refuses root).
pub struct Cluster {
    _dir: tempfile::TempDir,
    pub data: PathBuf,
    bin: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// A new cluster, started; `None` (saying why) when this machine has no PostgreSQL server binaries.
    pub fn create() -> Option<Cluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
            .max()?;
        let as_postgres = std::fs::metadata("/proc/self").unwrap().uid() == 0;
        let cluster = Cluster::empty(bin, as_postgres);
        let data = cluster.data.display().to_string();
        cluster.pg(
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        );
        cluster.start();
        Some(cluster)
    }

    /// A hot standby of this server, streaming from it (`pg_basebackup -R`: a copy of its files, and the
    /// settings to follow it), started on a port of its own.
    pub fn replica(&self) -> Cluster {
        let replica = Cluster::empty(self.bin.clone(), self.as_postgres);
        let data = replica.data.display().to_string();
        let port = self.port.to_string();
        replica.pg(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                "-D",
                &data,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ],
        );
        replica.start();
        replica
    }

    /// A cluster yet to be made: its directory (owned by `postgres` when we are root) and a free port.
    fn empty(bin: PathBuf, as_postgres: bool) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        if as_postgres {
            let id = Command::new("id")
                .args(["-u", "postgres"])
                .output()
                .unwrap();
            let uid: u32 = String::from_utf8(id.stdout)
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            std::os::unix::fs::chown(dir.path(), Some(uid), None).unwrap();
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Cluster {
            data: dir.path().join("data"),
            _dir: dir,
            bin,
            port,
            as_postgres,
        }
    }

    /// One of the server's programs, run as `postgres` when we are root.
    pub fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        }
    }

    /// Run one of the server's programs, failing the test if it fails.
    pub fn pg(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap();
        let log = std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        assert!(
            out.status.success(),
            "{program} failed: {}{}\nthe end of the server's log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            lines[lines.len().saturating_sub(15)..].join("\n")
        );
    }

    /// Start the server and wait until it accepts connections (after crash recovery, when it crashed).
    pub fn start(&self) {
        let data = self.data.display().to_string();
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=on -c synchronous_commit=on -c full_page_writes=on \
             -c recovery_init_sync_method=syncfs",
            self.port, data
        );
        let log = format!("{data}/server.log");
        self.pg(
            "pg_ctl",
            &[
                "-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
            ],
        );
    }

    /// SIGKILL the postmaster and all its processes at once: freeze the postmaster first (so it starts nothing
    /// more), then kill its children and it.
    pub fn crash(&self) {
        let pid_file = std::fs::read_to_string(self.data.join("postmaster.pid")).unwrap();
        let postmaster: u32 = pid_file.lines().next().unwrap().trim().parse().unwrap();
        signal("STOP", &[postmaster]);
        let mut pids = children_of(postmaster);
        pids.push(postmaster);
        signal("KILL", &pids);
        // Wait until every one of them has died (gone, or a zombie waiting for init to reap it), so the restart
        // finds the shared memory free; then remove the pid and socket lock files, as a reboot would leave no such
        // process behind.
        let deadline = Instant::now() + Duration::from_secs(30);
        while pids.iter().any(|p| alive(*p)) {
            assert!(Instant::now() < deadline, "the killed server did not go");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::fs::remove_file(self.data.join("postmaster.pid")).unwrap();
        for entry in std::fs::read_dir(&self.data).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".s.PGSQL."))
            {
                std::fs::remove_file(path).unwrap();
            }
        }
    }

    /// Stop the server (fast shutdown: connections are ended) and wait until it has gone.
    pub fn stop(&self) {
        let data = self.data.display().to_string();
        self.pg("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]);
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
    }
}

/// The processes whose parent is `parent` (from /proc).
pub fn children_of(parent: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
                    let after = &stat[stat.rfind(')')? + 1..];
                    after.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// Whether a process is still running (neither gone nor a zombie).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let after = stat[stat.rfind(')')? + 1..].trim_start().to_owned();
            after.chars().next()
        })
        .is_some_and(|state| state != 'Z' && state != 'X')
}

pub fn signal(name: &str, pids: &[u32]) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .args(pids.iter().map(u32::to_string))
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pids:?} failed");
}
