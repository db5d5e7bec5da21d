// A generator that holds an `Rc` across a `yield` is not `Send`.
use std::rc::Rc;
use yielding::generator;

fn assert_send<T: Send>(_: T) {}

fn main() {
    let g = generator! {
        let shared = Rc::new(1);
        yield *shared;
        yield *shared + 1;
    };
    assert_send(g);
}
