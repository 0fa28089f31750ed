fn main() {
    println!("import benchmark: not yet written");
}
