//! The client side: `passerelle demo` tells its story, and the client
//! commands (`login`, `join`, `keys`, `send`, `inbox`, `relay`, `read`)
//! carry a message end to end through `passerelle serve` in a child process.

use std::path::Path;
use std::process::Command;

use passerelle::client::{Client, Invitee, Join, Profile};
use passerelle_crypto::SecretKey;
use passerelle_domain::{ConsentMethod, LegalSituation, Relationship, Scope};

use crate::support::cli::{PASSWORD, Server, create_coordinator, fails, karims_case, ok};

#[test]
fn the_demo_shows_the_four_steps_and_no_plaintext_in_the_database() {
    let out = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .arg("demo")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in [
        "(1) Nadia writes to her son",
        "(2) Sophie delivers it in person",
        "(3) Karim answers; Sophie writes it down for him",
        "(4) Nadia reads the answer",
        "She opens it on her computer: \"Bonjour mon fils",
        "Her phone opens it: \"Merci maman",
        "No plaintext in the database",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in:\n{stdout}");
    }
    assert!(
        stdout.lines().count() <= 60,
        "too long for a newcomer:\n{stdout}"
    );
}

/// The message id in "Sent message ID (status)."
fn sent_id(stdout: &str) -> String {
    stdout
        .split_whitespace()
        .nth(2)
        .expect("Sent message ID")
        .to_owned()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_client_commands_carry_a_message_through_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("relay.db").display());
    let keys = dir.path().join("keys");
    create_coordinator(&database_url, &keys, "Relais", "claire", "Claire Dubois");
    let server = Server::start(&database_url, &keys);
    let url = server.url.as_str();
    let (claire, nadia) = (dir.path().join("claire"), dir.path().join("nadia"));

    // The coordinator signs in and makes her key; it is stored wrapped.
    let out = ok(
        &claire,
        &["login", "--server", url, "--login", "claire"],
        "",
    );
    assert!(
        out.contains("Signed in as Claire Dubois (coordinator)"),
        "{out}"
    );
    let out = ok(&claire, &["keys", "--generate"], "");
    assert!(out.contains("Registered as your key version 1"), "{out}");
    let key_text = std::fs::read_to_string(claire.join("key.txt")).unwrap();
    assert!(key_text.contains("PASSERELLE-WRAPPED-KEY:"));
    assert!(!key_text.contains("PASSERELLE-SECRET-KEY:"));
    #[cfg(unix)]
    {
        assert_eq!(mode(&claire.join("key.txt")), 0o600);
        assert_eq!(mode(&claire.join("session.json")), 0o600);
    }
    assert!(ok(&claire, &["keys"], "").contains("Registered: yes, version 1."));

    // Opening a case and inviting have no commands yet: the library does it.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let session = Profile::at(&claire).session().unwrap().unwrap();
    let api = Client::new(url).unwrap().with_token(&session.token);
    let (case, mother_code, karim) = runtime.block_on(async {
        let case = api
            .open_case(&karims_case(LegalSituation::Sentenced, Some("12345"), None))
            .await
            .unwrap()
            .id;
        let mother_code = api
            .invite(case, Invitee::Relative(Relationship::Parent))
            .await
            .unwrap()
            .code;
        let karim_code = api.invite(case, Invitee::Detainee).await.unwrap().code;
        let join = Join {
            code: karim_code,
            login: "karim".into(),
            password: PASSWORD.into(),
            display_name: "Karim Benali".into(),
            phone: None,
        };
        let karim = Client::new(url)
            .unwrap()
            .redeem(&join)
            .await
            .unwrap()
            .account
            .id;
        (case.to_string(), mother_code, karim.to_string())
    });

    // The mother joins with her code and makes her key.
    let out = ok(
        &nadia,
        &[
            "join",
            "--server",
            url,
            "--code",
            &mother_code,
            "--login",
            "nadia",
            "--display-name",
            "Nadia Benali",
        ],
        "",
    );
    assert!(
        out.contains(&format!("Joined case {case} as relative")),
        "{out}"
    );
    ok(&nadia, &["keys", "--generate"], "");
    let mother = Profile::at(&nadia)
        .session()
        .unwrap()
        .unwrap()
        .account
        .to_string();
    // Karim agreed, in person, that his mother may write to him.
    runtime.block_on(async {
        api.grant_consent(
            case.parse().unwrap(),
            mother.parse().unwrap(),
            &[Scope::Messages],
            ConsentMethod::InPerson,
        )
        .await
        .unwrap();
    });
    let listing = ok(&nadia, &["keys", "--case", &case], "");
    assert!(
        listing.contains("Nadia Benali (you), relative (parent): key v1"),
        "{listing}"
    );
    assert!(
        listing.contains("Karim Benali, detained person: no device key"),
        "{listing}"
    );
    assert!(
        listing.contains("Claire Dubois, worker: key v1, fingerprint"),
        "{listing}"
    );

    // (1) The mother writes to her son, who has no device.
    let text = "Bonjour mon fils, on vient samedi.";
    let out = ok(
        &nadia,
        &["send", "--case", &case, "--to", "Karim Benali"],
        text,
    );
    assert!(out.contains("(pending relay)"), "{out}");
    assert!(out.contains("Karim Benali has no device"), "{out}");
    let first = sent_id(&out);

    // (2) The coordinator sees it, delivers it in person and reads it.
    let inbox = ok(&claire, &["inbox"], "");
    assert!(
        inbox.contains(&format!("Message {first} [pending relay]")),
        "{inbox}"
    );
    assert!(
        inbox.contains("From Nadia Benali, relative (parent) (key v1"),
        "{inbox}"
    );
    assert!(inbox.contains(&format!("| {text}")), "{inbox}");
    let out = ok(&claire, &["relay", &first, "--in-person"], "");
    assert!(out.contains("is now delivered in person."), "{out}");
    let out = ok(&claire, &["read", &first], "");
    assert!(
        out.contains(text) && out.contains("(marked as read)"),
        "{out}"
    );
    assert!(ok(&nadia, &["inbox", "--outbox"], "").contains(&format!("Message {first} [read]")));

    // (3) The answer, written down by the worker on his behalf.
    let answer = "Merci maman, à samedi.";
    let out = ok(
        &claire,
        &[
            "send",
            "--case",
            &case,
            "--to",
            &mother,
            "--on-behalf-of",
            &karim,
        ],
        answer,
    );
    assert!(out.contains("(delivered)"), "{out}");
    let second = sent_id(&out);

    // (4) The mother reads it.
    let inbox = ok(&nadia, &["inbox"], "");
    assert!(
        inbox.contains("From Claire Dubois, worker, on behalf of Karim Benali"),
        "{inbox}"
    );
    assert!(inbox.contains(&format!("| {answer}")), "{inbox}");
    let out = ok(&nadia, &["read", &second], "");
    assert!(out.contains("(marked as read)"), "{out}");

    // A held message shows its reason to its sender, then goes through.
    let third = sent_id(&ok(
        &nadia,
        &["send", "--case", &case, "--to", &karim],
        "Et le colis ?",
    ));
    let out = ok(
        &claire,
        &["relay", &third, "--hold", "à voir avec Karim"],
        "",
    );
    assert!(out.contains("is now held (à voir avec Karim)."), "{out}");
    assert!(ok(&nadia, &["inbox", "--outbox"], "").contains("[held (à voir avec Karim)]"));
    assert!(ok(&claire, &["relay", &third], "").contains("is now delivered."));

    // Errors are one line and a failure.
    assert!(fails(&nadia, &["relay", &third]).contains("only a worker of the case relays"));
    assert!(fails(&nadia, &["keys", "--generate"]).contains("already has a key"));
    let wrong = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["read", &second])
        .env("PASSERELLE_PROFILE", &nadia)
        .env("PASSERELLE_PASSPHRASE", "not the passphrase")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong passphrase"));
    // A new key for the mother: her earlier messages still open for the
    // worker, with the change pointed out.
    let token = Profile::at(&nadia).session().unwrap().unwrap().token;
    let new_key = SecretKey::generate().unwrap().public_key();
    let api = Client::new(url).unwrap().with_token(&token);
    let rotated = runtime.block_on(api.register_key(&new_key)).unwrap();
    assert_eq!(rotated.version, 2);
    let inbox = ok(&claire, &["inbox"], "");
    assert!(
        inbox.contains("sealed with their key v1, their current key is v2"),
        "{inbox}"
    );
    assert!(inbox.contains(&format!("| {text}")), "{inbox}");
    ok(&nadia, &["logout"], "");
    assert!(fails(&nadia, &["inbox"]).contains("not signed in"));
    drop(server);
}
