//! Group commit for answer saves.
//!
//! Autosave is the busiest write there is: every pause in typing saves one
//! answer. Each save is a conditional UPDATE, a kept version and an audit
//! event; written one transaction per save, the writer spent most of its
//! time beginning and committing (a WAL append of every touched page) and
//! handing statements between threads, while the other saves queued.
//!
//! Here the saves that arrive while a transaction is being written wait in a
//! queue, and the next transaction writes all of them (up to [`MOST`]): one
//! BEGIN and COMMIT, one UPDATE per answer, one INSERT of all their versions
//! and one append of all their audit events. Each save keeps its own
//! outcome: an answer whose version moved meanwhile is not written (a
//! conflict, as before) and does not stop the others. Should the batch's
//! transaction fail, nothing of it is kept and each save is tried again in
//! a transaction of its own, so one bad save cannot fail its neighbours.
//!
//! One task per process writes the batches; on PostgreSQL the saves of
//! several processes still meet at the audit chain's row lock, as before.

use crate::model::{AnswerFields, AnswerId, AppError};
use crate::server::{
    answers::{self, AnswerWrite, Outcome, Source},
    db,
    entities::assessment,
    Actor,
};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, oneshot};

/// The most saves one transaction writes.
pub const MOST: usize = 64;

/// One answer to write as version `expected + 1`, if it is still at
/// `expected` and its assessment still editable.
pub(crate) struct Save {
    pub actor: Actor,
    /// The answer's assessment as the caller read it (for its first-answer
    /// status move).
    pub assessment: assessment::Model,
    pub answer_id: i64,
    pub expected: i32,
    pub fields: AnswerFields,
    /// When the save was asked for.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// `Ok(true)`: written; `Ok(false)`: not written, the answer or its
/// assessment changed meanwhile.
type Reply = oneshot::Sender<Result<bool, AppError>>;

/// Where saves enter the writing task's queue.
type Entry = mpsc::Sender<(Save, Reply)>;

/// The queue in front of the writing task, started on first use (and
/// again should the task ever have died). Clones share it.
#[derive(Clone, Default)]
pub struct SaveQueue(Arc<Mutex<Option<Entry>>>);

impl SaveQueue {
    /// Writes `save` with whichever saves arrive meanwhile; `writer` is
    /// where write transactions start (`AppState::writer`).
    pub(crate) async fn write(
        &self,
        writer: &DatabaseConnection,
        save: Save,
    ) -> Result<bool, AppError> {
        let queue = self.sender(writer);
        let request_id = save.actor.request().request_id.clone();
        let (reply, outcome) = oneshot::channel();
        let stopped = || failed(&request_id, "the save queue stopped");
        queue.send((save, reply)).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }

    fn sender(&self, writer: &DatabaseConnection) -> Entry {
        let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match queue.as_ref() {
            Some(tx) if !tx.is_closed() => tx.clone(),
            _ => {
                // Room for every client's save in flight; beyond it, callers wait.
                let (tx, rx) = mpsc::channel(1024);
                tokio::spawn(run(writer.clone(), rx));
                *queue = Some(tx.clone());
                tx
            }
        }
    }
}

/// What a caller hears when its save could not be written: the usual
/// internal error, logged with the save's own request id.
fn failed(request_id: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, request_id = %request_id, "internal error");
    AppError::Internal {
        request_id: request_id.to_string(),
    }
}

/// Writes batches until every sender is gone.
async fn run(writer: DatabaseConnection, mut rx: mpsc::Receiver<(Save, Reply)>) {
    let mut batch = Vec::with_capacity(MOST);
    while rx.recv_many(&mut batch, MOST).await > 0 {
        let (saves, replies): (Vec<Save>, Vec<Reply>) = batch.drain(..).unzip();
        match write(&writer, &saves).await {
            Ok(written) => {
                for (reply, w) in replies.into_iter().zip(written) {
                    // A caller that went away (its client hung up) is no
                    // reason to stop: its save is written all the same.
                    let _ = reply.send(Ok(w));
                }
            }
            Err(e) if saves.len() == 1 => {
                for reply in replies {
                    let _ = reply.send(Err(failed(&saves[0].actor.request().request_id, &e)));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, saves = saves.len(), "batched saves failed; writing them one by one");
                for (save, reply) in saves.iter().zip(replies) {
                    let alone = write(&writer, std::slice::from_ref(save)).await;
                    let _ = reply.send(
                        alone
                            .map(|w| w[0])
                            .map_err(|e| failed(&save.actor.request().request_id, e)),
                    );
                }
            }
        }
    }
}

/// One transaction for all of `saves`; whether each was written, in order
/// (not written: the answer or its assessment changed meanwhile).
async fn write(writer: &DatabaseConnection, saves: &[Save]) -> Result<Vec<bool>, String> {
    let txn = db::write_txn(writer).await.map_err(|e| e.to_string())?;
    let writes: Vec<AnswerWrite> = saves
        .iter()
        .map(|s| AnswerWrite {
            actor: &s.actor,
            assessment: &s.assessment,
            answer_id: AnswerId(s.answer_id),
            expected: s.expected,
            fields: &s.fields,
            at: s.at,
        })
        .collect();
    let outcomes = answers::write(&txn, Source::Autosave, &writes)
        .await
        .map_err(|e| e.to_string())?;
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(outcomes.into_iter().map(|o| o == Outcome::Saved).collect())
}
