//! The store's traits for [`PostgresStore`](super::PostgresStore), one file per trait.

mod site;
