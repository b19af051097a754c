//! The seeded items themselves: one `INSERT … SELECT` per table over the
//! scratch tables `bench_items` and `bench_cases` that [`super::seed`] fills.
//! Column by column as in migrations/sqlite 0001 (messages), 0005 (visits)
//! and 0006 (practical requests).

use anyhow::Context as _;
use sqlx::SqliteConnection;

use super::seed::{HOUR, Template};

/// The twelve categories of migrations/sqlite/0006_requests.sql.
const CATEGORIES: [&str; 12] = [
    "clothing_and_linen",
    "money_deposit",
    "documents_and_id",
    "contacting_the_lawyer",
    "cpas_benefits",
    "mutualite",
    "housing",
    "debts",
    "residence_status",
    "children",
    "transport_to_visits",
    "other",
];

/// A SQL expression: the BLOB UUID `column` as hyphenated lower-case text.
fn uuid_text(column: &str) -> String {
    let part = |from: u8, len: Option<u8>| match len {
        Some(len) => format!("substr(hex({column}), {from}, {len})"),
        None => format!("substr(hex({column}), {from})"),
    };
    format!(
        "lower({} || '-' || {} || '-' || {} || '-' || {} || '-' || {})",
        part(1, Some(8)),
        part(9, Some(4)),
        part(13, Some(4)),
        part(17, Some(4)),
        part(21, None)
    )
}

/// Messages from each case's relative: pending relay while waiting, else
/// delivered or read; to the case's detained person and the worker.
pub(super) async fn messages(
    conn: &mut SqliteConnection,
    t: Template,
    envelope: &[u8],
    now: i64,
    before: i64,
) -> anyhow::Result<u64> {
    let n = sqlx::query(
        "INSERT INTO messages (id, case_id, sender_id, envelope_id, envelope, on_behalf_of,
                               status, hold_reason, in_person, created_at, updated_at)
         SELECT randomblob(16), c.id, c.relative, randomblob(16), ?1, NULL,
                CASE WHEN b.waiting THEN 'pending_relay' WHEN b.r1 % 4 = 0 THEN 'delivered'
                     ELSE 'read' END,
                NULL, 0, ?2 - b.age,
                ?2 - b.age + CASE WHEN b.waiting THEN 0 ELSE 2 * ?3 END
         FROM temp.bench_items b JOIN temp.bench_cases c ON c.n = b.k
         WHERE b.kind = 'message' ORDER BY b.age DESC",
    )
    .bind(envelope)
    .bind(now)
    .bind(HOUR)
    .execute(&mut *conn)
    .await
    .context("seeding the messages")?
    .rows_affected();
    sqlx::query(
        "INSERT INTO message_recipients (account_id, message_seq)
         SELECT c.detainee, m.seq FROM messages m JOIN temp.bench_cases c ON c.id = m.case_id
         WHERE m.seq > ?1
         UNION ALL
         SELECT ?2, m.seq FROM messages m WHERE m.seq > ?1",
    )
    .bind(before)
    .bind(t.worker)
    .execute(&mut *conn)
    .await
    .context("seeding the message recipients")?;
    Ok(n)
}

/// Practical requests filed by each case's relative: submitted while
/// waiting; else mostly closed with one of the three resolutions that carry
/// no reason, some in progress.
pub(super) async fn requests(
    conn: &mut SqliteConnection,
    t: Template,
    envelope: &[u8],
    now: i64,
) -> anyhow::Result<u64> {
    let category = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, c)| format!("WHEN {i} THEN '{c}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let readers = format!("{} || ',' || {}", uuid_text("c.relative"), uuid_text("?4"));
    let sql = format!(
        "INSERT INTO practical_requests (id, case_id, service_id, author_id, on_behalf, category,
             urgency, envelope_id, envelope, readers, status, resolution, resolution_reason,
             assigned_to, created_at, acknowledged_at, resolved_at, closed_at, updated_at)
         SELECT randomblob(16), c.id, cs.service_id, c.relative, 0,
                CASE b.r1 % 12 {category} END,
                CASE WHEN b.r2 % 100 < 5 THEN 'urgent' WHEN b.r2 % 100 < 25 THEN 'high'
                     WHEN b.r2 % 100 < 75 THEN 'normal' ELSE 'low' END,
                randomblob(16), ?1, {readers},
                CASE WHEN b.waiting THEN 'submitted' WHEN (b.r2 / 100) % 10 = 0 THEN 'in_progress'
                     ELSE 'closed' END,
                CASE WHEN b.waiting OR (b.r2 / 100) % 10 = 0 THEN NULL
                     WHEN (b.r1 / 12) % 3 = 0 THEN 'answered_directly'
                     WHEN (b.r1 / 12) % 3 = 1 THEN 'professional_service'
                     ELSE 'solidarity_initiative' END,
                NULL,
                CASE WHEN b.waiting THEN NULL ELSE ?4 END,
                ?2 - b.age,
                CASE WHEN b.waiting THEN NULL ELSE ?2 - b.age + 3 * ?3 END,
                CASE WHEN b.waiting OR (b.r2 / 100) % 10 = 0 THEN NULL ELSE ?2 - b.age + 72 * ?3 END,
                CASE WHEN b.waiting OR (b.r2 / 100) % 10 = 0 THEN NULL ELSE ?2 - b.age + 96 * ?3 END,
                ?2 - b.age + CASE WHEN b.waiting THEN 0 WHEN (b.r2 / 100) % 10 = 0 THEN 4 * ?3
                                  ELSE 96 * ?3 END
         FROM temp.bench_items b JOIN temp.bench_cases c ON c.n = b.k
              JOIN cases cs ON cs.id = c.id
         WHERE b.kind = 'request' ORDER BY b.age DESC"
    );
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(envelope)
        .bind(now)
        .bind(HOUR)
        .bind(t.worker)
        .execute(&mut *conn)
        .await
        .context("seeding the practical requests")?
        .rows_affected())
}

/// Visit requests from each case's relative: submitted or under review
/// while waiting; else mostly done (forwarded and scheduled on the way),
/// some cancelled by the relative.
pub(super) async fn visits(
    conn: &mut SqliteConnection,
    t: Template,
    envelope: &[u8],
    now: i64,
) -> anyhow::Result<u64> {
    let readers = format!("{} || ',' || {}", uuid_text("c.relative"), uuid_text("?4"));
    // The status of each row: 0 submitted, 1 under review, 2 done,
    // 3 cancelled by the relative.
    let state = "(CASE WHEN b.waiting THEN (b.r2 / 12) % 2 \
                  WHEN (b.r2 / 12) % 10 = 0 THEN 3 ELSE 2 END)";
    let day = |offset: u32| format!("date((?2 - b.age) / 1000000 + {offset} * 86400, 'unixepoch')");
    let sql = format!(
        "INSERT INTO visits (id, case_id, relative_id, kind, dates, adults, minor_ages,
             envelope_id, envelope, note_readers, status, revision, forwarded_at, forwarded_by,
             forward_reference, scheduled_date, scheduled_time, place, reason, cancelled_side,
             updated_by, created_at, updated_at)
         SELECT randomblob(16), c.id, c.relative,
                CASE b.r1 % 10 WHEN 0 THEN 'extended_family' WHEN 1 THEN 'video'
                               WHEN 2 THEN 'video' ELSE 'ordinary' END,
                {d10} || ' morning,' || {d12} || ' any',
                1 + b.r2 % 3,
                CASE (b.r2 / 3) % 4 WHEN 0 THEN '4,12' WHEN 1 THEN '9' ELSE '' END,
                randomblob(16), ?1, {readers},
                CASE {state} WHEN 0 THEN 'submitted' WHEN 1 THEN 'under_review'
                             WHEN 2 THEN 'done' ELSE 'cancelled' END,
                CASE {state} WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 4 ELSE 1 END,
                CASE {state} WHEN 2 THEN ?2 - b.age + 48 * ?3 END,
                CASE {state} WHEN 2 THEN ?4 END,
                CASE {state} WHEN 2 THEN 'RV-' || b.i END,
                CASE {state} WHEN 2 THEN {d10} END,
                CASE {state} WHEN 2 THEN '14:00:00' END,
                CASE {state} WHEN 2 THEN 'Parloir 2' END,
                NULL,
                CASE {state} WHEN 3 THEN 'relative' END,
                CASE {state} WHEN 0 THEN c.relative WHEN 3 THEN c.relative ELSE ?4 END,
                ?2 - b.age,
                ?2 - b.age + CASE {state} WHEN 0 THEN 0 WHEN 1 THEN ?3 WHEN 2 THEN 240 * ?3
                                          ELSE 24 * ?3 END
         FROM temp.bench_items b JOIN temp.bench_cases c ON c.n = b.k
         WHERE b.kind = 'visit' ORDER BY b.age DESC",
        d10 = day(10),
        d12 = day(12),
    );
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(envelope)
        .bind(now)
        .bind(HOUR)
        .bind(t.worker)
        .execute(&mut *conn)
        .await
        .context("seeding the visits")?
        .rows_affected())
}
