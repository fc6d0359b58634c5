//! Milvus 2.3.5 whose storage is Garage (a production S3 store) -> a backup in another bucket of
//! the same Garage: every file is copied inside the store (CopyObject), restored the same way
//! (staging by server-side copy), and compared row by row; the staging files are gone after.

mod common;
use common::*;

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_garage_roundtrip_copies_inside_the_store() {
    let m = server("M235_GARAGE");
    let created = s3_roundtrip(&m, &Tool::new(&m, BackupAt::GarageBucket, &[]));
    assert!(
        created.contains("copied inside the object store"),
        "same endpoint and key: the copies must be server-side: {created}"
    );
}
