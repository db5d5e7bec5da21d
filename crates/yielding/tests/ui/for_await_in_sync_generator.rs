// `for await` in a synchronous generator, whose body cannot await: one error, at `await`,
// naming the macro and what to write instead.
use yielding::generator;

fn main() {
    let g = generator! {
        for await x in [1, 2, 3] {
            yield x;
        }
    };
    let _ = g.count();
}
