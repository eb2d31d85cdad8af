/**
 * Makes `instanceof Class` also true for an instance of the same class made by another copy of the kit in this
 * process (the package loaded twice: a bundler that put it in two chunks, a route and an instrumentation file
 * bundled apart), so an error thrown by a store or an `authenticate` built from one copy is still recognized by a
 * handler of the other. The class's prototype carries a registry symbol (`Symbol.for`: one per name, shared by every
 * copy); a subclass keeps the ordinary check. Used for the public error classes others throw into the kit; what is
 * read from such an error must still be fixed text (see bearerChallenge).
 */
export function recognizedAcrossCopies(Class: abstract new (...args: never[]) => object, name: string): void {
  const brand = Symbol.for(`react-mpc-backup/server:${name}`)
  Object.defineProperty(Class.prototype, brand, { value: true })
  Object.defineProperty(Class, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      return this === Class
        ? typeof value === 'object' && value !== null && brand in value
        : Function.prototype[Symbol.hasInstance].call(this, value)
    },
  })
}
