//! Milvus 2.3.5 on S3 (s3s-fs) -> a backup in another bucket -> restored (staged into Milvus's
//! bucket, then imported), compared row by row; the staging files are gone afterwards. Both
//! buckets are on one s3s-fs with one key, so the copies run inside it (s3s-fs does
//! CopyObject); the streamed S3 path is `scale` (Garage -> local -> Garage) and `s3_https`.

mod common;
use common::*;

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_s3_roundtrip() {
    let m = server("M235_S3");
    let created = s3_roundtrip(&m, &Tool::new(&m, BackupAt::S3Bucket, &[]));
    assert!(created.contains("inside the object store"), "{created}");
}
