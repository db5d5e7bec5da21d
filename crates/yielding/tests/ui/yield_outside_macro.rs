// A `yield` in a plain function, outside `generator!`, gets rustc's own error.
fn numbers() {
    yield 1;
}

fn main() {
    numbers();
}
