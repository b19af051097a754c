//! The envelope commands round-trip between key files, with no server.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASS: &str = "une phrase de passe assez longue";

fn passerelle(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(args)
        .env("PASSERELLE_PASSPHRASE", PASS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let out = passerelle(args, stdin);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn public_of(key_file: &Path) -> String {
    let text = std::fs::read_to_string(key_file).unwrap();
    text.split_whitespace()
        .find(|w| w.starts_with("passerelle-pk:"))
        .unwrap()
        .to_string()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

#[test]
fn seal_and_open_round_trip_between_two_key_files() {
    let dir = tempfile::tempdir().unwrap();
    let (alice, bob) = (path(dir.path(), "alice.key"), path(dir.path(), "bob.key"));
    ok(&["keygen", "-o", &alice], None);
    ok(&["keygen", "-o", &bob], None);
    let alice_text = std::fs::read_to_string(&alice).unwrap();
    assert!(
        alice_text.contains("PASSERELLE-WRAPPED-KEY:"),
        "wrapped by default"
    );
    assert!(!alice_text.contains("PASSERELLE-SECRET-KEY:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&alice).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let message = "Bonjour papa, on vient samedi. Bisous.".as_bytes();
    let plain_file = path(dir.path(), "message.txt");
    std::fs::write(&plain_file, message).unwrap();
    let sealed_file = path(dir.path(), "message.psrl");
    let bob_pk = public_of(Path::new(&bob));
    ok(
        &[
            "seal",
            "--from",
            &alice,
            "--to",
            &bob_pk,
            "-o",
            &sealed_file,
            &plain_file,
        ],
        None,
    );
    let sealed = std::fs::read(&sealed_file).unwrap();
    assert!(sealed.starts_with(b"PSRL"));
    assert!(!sealed.windows(7).any(|w| w == b"Bonjour"));

    let opened = ok(
        &[
            "open",
            "--key",
            &bob,
            "--from",
            &public_of(Path::new(&alice)),
            &sealed_file,
        ],
        None,
    );
    assert_eq!(opened, message);
    // A key file works wherever a public key is expected; stdin and armor too.
    let armored = ok(
        &["seal", "--from", &alice, "--to", &bob, "-a"],
        Some(message),
    );
    assert!(armored.is_ascii());
    let opened = ok(&["open", "--key", &bob, "--from", &alice], Some(&armored));
    assert_eq!(opened, message);
}

#[test]
fn the_wrong_key_or_sender_fails_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["alice", "bob", "eve"].map(|n| path(dir.path(), &format!("{n}.key")));
    for n in &names {
        ok(&["keygen", "--unprotected", "-o", n], None);
    }
    let [alice, bob, eve] = &names;
    let sealed = ok(&["seal", "--from", alice, "--to", bob], Some(b"secret"));

    let out = passerelle(&["open", "--key", eve], Some(&sealed));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "passerelle: this key is not a recipient of the envelope"
    );
    assert!(out.stdout.is_empty());

    let out = passerelle(&["open", "--key", bob, "--from", eve], Some(&sealed));
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "passerelle: the envelope was not sealed by the expected sender"
    );

    let mut tampered = sealed.clone();
    let last_byte = tampered.len() - 1;
    tampered[last_byte] ^= 1;
    let out = passerelle(&["open", "--key", bob, "--from", alice], Some(&tampered));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "passerelle: the envelope was altered or is corrupt"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_wrong_passphrase_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = path(dir.path(), "k.key");
    ok(&["keygen", "-o", &key], None);
    let sealed = ok(&["seal", "--from", &key, "--to", &key], Some(b"x"));
    let out = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["open", "--key", &key])
        .env("PASSERELLE_PASSPHRASE", "not the passphrase")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(&sealed)?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
}

#[test]
fn fingerprints_and_safety_numbers_agree_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (path(dir.path(), "a.key"), path(dir.path(), "b.key"));
    ok(&["keygen", "--unprotected", "-o", &a], None);
    ok(&["keygen", "--unprotected", "-o", &b], None);
    let fp = String::from_utf8(ok(&["fingerprint", &a], None)).unwrap();
    let groups: Vec<&str> = fp.split_whitespace().collect();
    assert_eq!(groups.len(), 6);
    assert!(
        groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|c| c.is_ascii_digit()))
    );
    let ab = ok(&["fingerprint", &a, "--with", &b], None);
    let ba = ok(
        &["fingerprint", &b, "--with", &public_of(Path::new(&a))],
        None,
    );
    assert_eq!(ab, ba);
    assert!(String::from_utf8(ab).unwrap().contains("QR: PSRL1"));
}

#[test]
fn keygen_never_overwrites_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = path(dir.path(), "k.key");
    ok(&["keygen", "--unprotected", "-o", &key], None);
    let before = std::fs::read(&key).unwrap();
    let out = passerelle(&["keygen", "--unprotected", "-o", &key], None);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&key).unwrap(), before);
}
