//! A large object read as a sequence of ranged GETs: each part handed over as its bytes arrive,
//! and the next [`READ_AHEAD_PARTS`] fetched meanwhile, held in memory only within a budget that
//! every read of the store shares. A read that finds the budget spent goes on without reading
//! ahead (a part at a time, as it arrives), so memory stays bounded however many readers there
//! are, and no reader ever waits for another to free its share.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::task::AbortOnDropHandle;

/// Parts fetched ahead of the one being handed over, at most: with the part handed over, the
/// store serves up to this many plus one GETs of a read at once.
const READ_AHEAD_PARTS: usize = 2;

/// A part's bytes, or why they could not be read.
type Piece = Result<Bytes, object_store::Error>;

/// Where the parts come from: one object, and the version the read began on (`If-Match`), so
/// that an object replaced during the read ends it with an error instead of mixing two.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub store: Arc<dyn ObjectStore>,
    pub path: Path,
    pub version: Option<String>,
}

impl Source {
    async fn open(
        &self,
        part: Range<u64>,
    ) -> Result<BoxStream<'static, Piece>, object_store::Error> {
        let options = GetOptions {
            range: Some(GetRange::Bounded(part)),
            if_match: self.version.clone(),
            ..GetOptions::default()
        };
        Ok(self
            .store
            .get_opts(&self.path, options)
            .await?
            .into_stream())
    }
}

/// Bytes of the budget a part takes (the semaphore counts in `u32`s).
fn permits(part: &Range<u64>) -> u32 {
    u32::try_from(part.end - part.start).unwrap_or(u32::MAX)
}

/// The part being handed over.
enum Current {
    /// Read as it arrives.
    Streaming(BoxStream<'static, Piece>),
    /// Fetched ahead: its chunks, and its share of the budget, given back when the part is
    /// done with (dropped).
    Held {
        chunks: std::vec::IntoIter<Bytes>,
        _share: OwnedSemaphorePermit,
    },
}

/// A later part, being fetched whole in a task of its own (aborted if the read is dropped).
struct Ahead {
    task: AbortOnDropHandle<Result<Vec<Bytes>, object_store::Error>>,
    permit: OwnedSemaphorePermit,
}

struct Walk {
    source: Source,
    parts: VecDeque<Range<u64>>,
    current: Option<Current>,
    ahead: VecDeque<Ahead>,
    budget: Arc<Semaphore>,
    failed: bool,
}

impl Walk {
    /// The next piece of the read, `None` at its end (or after an error).
    async fn next_piece(&mut self) -> Option<Piece> {
        if self.failed {
            return None;
        }
        loop {
            match &mut self.current {
                Some(Current::Streaming(parts)) => match parts.next().await {
                    Some(piece) => return Some(self.note(piece)),
                    None => self.current = None,
                },
                Some(Current::Held { chunks, .. }) => match chunks.next() {
                    Some(chunk) => return Some(Ok(chunk)),
                    None => self.current = None,
                },
                None => {
                    if let Err(error) = self.start_next().await? {
                        self.failed = true;
                        return Some(Err(error));
                    }
                }
            }
        }
    }

    fn note(&mut self, piece: Piece) -> Piece {
        if piece.is_err() {
            self.failed = true;
        }
        piece
    }

    /// Makes the next part current (the first fetched ahead, or a new GET), then tops up the
    /// parts fetched ahead; `None` when no part is left.
    async fn start_next(&mut self) -> Option<Result<(), object_store::Error>> {
        let current = if let Some(ahead) = self.ahead.pop_front() {
            match ahead.task.await {
                Ok(Ok(chunks)) => Current::Held {
                    chunks: chunks.into_iter(),
                    _share: ahead.permit,
                },
                Ok(Err(error)) => return Some(Err(error)),
                Err(join) => {
                    return Some(Err(object_store::Error::Generic {
                        store: "S3",
                        source: Box::new(join),
                    }));
                }
            }
        } else {
            let part = self.parts.pop_front()?;
            match self.source.open(part).await {
                Ok(parts) => Current::Streaming(parts),
                Err(error) => return Some(Err(error)),
            }
        };
        self.current = Some(current);
        self.read_ahead();
        Some(Ok(()))
    }

    /// Starts fetching the parts after the current one, up to [`READ_AHEAD_PARTS`], while the
    /// budget has room for them.
    fn read_ahead(&mut self) {
        while self.ahead.len() < READ_AHEAD_PARTS {
            let Some(next) = self.parts.front() else {
                return;
            };
            let Ok(permit) = Arc::clone(&self.budget).try_acquire_many_owned(permits(next)) else {
                return;
            };
            let Some(part) = self.parts.pop_front() else {
                return;
            };
            let source = self.source.clone();
            let task = tokio::spawn(async move { source.open(part).await?.try_collect().await });
            self.ahead.push_back(Ahead {
                task: AbortOnDropHandle::new(task),
                permit,
            });
        }
    }
}

/// The bytes of `first` (the read's first part, already requested), then of `parts` of `source`,
/// in order, reading ahead within `budget`. Called within the runtime: the parts fetched ahead
/// are tasks of their own.
pub(crate) fn read_parts(
    source: Source,
    first: BoxStream<'static, Piece>,
    parts: Vec<Range<u64>>,
    budget: Arc<Semaphore>,
) -> BoxStream<'static, Piece> {
    let mut walk = Walk {
        source,
        parts: parts.into(),
        current: Some(Current::Streaming(first)),
        ahead: VecDeque::new(),
        budget,
        failed: false,
    };
    walk.read_ahead();
    stream::unfold(walk, |mut walk| async move {
        let piece = walk.next_piece().await?;
        Some((piece, walk))
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use std::ops::Range;
    use std::sync::Arc;

    use futures_util::{StreamExt as _, TryStreamExt as _};
    use object_store::memory::InMemory;
    use object_store::path::Path;
    use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};
    use tokio::sync::Semaphore;

    use super::{Source, read_parts};

    const PART: u64 = 1000;

    /// An object of `parts` parts of [`PART`] bytes and a short last one, in an in-memory store.
    async fn object(parts: u64) -> (Source, Vec<u8>) {
        let bytes: Vec<u8> = (0..parts * PART + 17).map(|i| (i % 251) as u8).collect();
        let store = Arc::new(InMemory::new());
        let path = Path::from("runs/model.bin");
        let put = store
            .put(&path, PutPayload::from(bytes.clone()))
            .await
            .unwrap();
        let source = Source {
            store: store as Arc<dyn ObjectStore>,
            path,
            version: put.e_tag,
        };
        (source, bytes)
    }

    fn later_parts(size: u64) -> Vec<Range<u64>> {
        (PART..size)
            .step_by(PART as usize)
            .map(|start| start..(start + PART).min(size))
            .collect()
    }

    async fn open(
        source: &Source,
        size: u64,
        budget: &Arc<Semaphore>,
    ) -> super::BoxStream<'static, super::Piece> {
        let first = source.open(0..PART.min(size)).await.unwrap();
        read_parts(source.clone(), first, later_parts(size), Arc::clone(budget))
    }

    async fn read_all(stream: super::BoxStream<'static, super::Piece>) -> Vec<u8> {
        let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
        chunks.concat()
    }

    #[tokio::test]
    async fn parts_come_back_in_order_with_room_to_read_ahead_and_without() {
        let (source, bytes) = object(7).await;
        let size = bytes.len() as u64;
        for budget_parts in [0, 1, 2, 10] {
            let budget = Arc::new(Semaphore::new(budget_parts * PART as usize));
            let back = read_all(open(&source, size, &budget).await).await;
            assert!(
                back == bytes,
                "budget of {budget_parts} parts: bytes differ"
            );
            assert_eq!(budget.available_permits(), budget_parts * PART as usize);
        }
    }

    #[tokio::test]
    async fn a_reader_that_stalls_never_holds_up_another() {
        let (source, bytes) = object(9).await;
        let size = bytes.len() as u64;
        let budget = Arc::new(Semaphore::new(2 * PART as usize));
        let mut stalled = open(&source, size, &budget).await;
        assert!(stalled.next().await.is_some());
        // The stalled reader's parts fetched ahead took the whole budget...
        assert_eq!(budget.available_permits(), 0);
        // ... and another reader still reads the whole object, a part at a time.
        let back = read_all(open(&source, size, &budget).await).await;
        assert!(back == bytes, "the second reader's bytes differ");
        drop(stalled);
        assert_eq!(budget.available_permits(), 2 * PART as usize);
    }

    #[tokio::test]
    async fn an_object_replaced_mid_read_ends_the_read_with_an_error() {
        let (source, bytes) = object(6).await;
        let size = bytes.len() as u64;
        let budget = Arc::new(Semaphore::new(0));
        let mut stream = open(&source, size, &budget).await;
        assert!(stream.next().await.unwrap().is_ok());
        source
            .store
            .put(&source.path, PutPayload::from(vec![0_u8; bytes.len()]))
            .await
            .unwrap();
        let rest: Vec<_> = stream.collect().await;
        assert!(
            matches!(
                rest.last(),
                Some(Err(object_store::Error::Precondition { .. }))
            ),
            "the read did not end with a precondition failure"
        );
        assert_eq!(rest.iter().filter(|piece| piece.is_err()).count(), 1);
    }
}
