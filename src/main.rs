fn main() {
    println!("milvus-backup-tui (being written)");
}
