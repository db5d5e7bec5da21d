// A `yield` inside an `async` block nested in `generator!` is an error at that `yield`.
use yielding::generator;

fn main() {
    let g = generator! {
        yield 1;
        let fut = async {
            yield 2;
        };
        drop(fut);
    };
    let _ = g.count();
}
