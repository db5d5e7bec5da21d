// `for await` over something that is not a `Stream` says so at the operand, and says how
// to iterate an iterator.
use yielding::async_generator;

fn main() {
    let _g = async_generator! {
        for await x in vec![1, 2, 3] {
            yield x;
        }
    };
}
