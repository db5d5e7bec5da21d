// Errors name the macro actually used: here `async_generator!`.
use yielding::async_generator;

fn main() {
    let _g = async_generator! {
        let f = |x: i32| {
            yield x;
        };
        f(1);
        yield 2;
    };
}
