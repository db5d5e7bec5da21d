use yielding::generator;
#[test]
fn smoke() {
    let g = generator! { yield 1; yield 2; };
    assert_eq!(g.collect::<Vec<i32>>(), [1, 2]);
    let inner = generator! { yield 1; yield 2; "r" };
    let mut outer = generator! { let r = yield from inner; yield from [3, 4]; r };
    assert_eq!((&mut outer).collect::<Vec<i32>>(), [1, 2, 3, 4]);
    assert_eq!(outer.take_return(), Some("r"));
    let mut avg = generator! {
        let (mut total, mut count) = (0.0, 0.0);
        loop {
            let x: f64 = yield if count > 0.0 { total / count } else { 0.0 };
            total += x;
            count += 1.0;
        }
    };
    assert_eq!(avg.start(), Some(0.0));
    assert_eq!(avg.send(10.0), Some(10.0));
}
