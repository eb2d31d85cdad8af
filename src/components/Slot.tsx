import {
  Children,
  cloneElement,
  forwardRef,
  isValidElement,
  type HTMLAttributes,
  type ReactNode,
  type Ref,
} from 'react'

type AnyProps = Record<string, unknown>

/** Radix-style `asChild`: merges our props onto the one child; the child's handlers run first. */
export const Slot = forwardRef<HTMLElement, HTMLAttributes<HTMLElement> & { children?: ReactNode }>(function Slot(
  { children, ...slotProps },
  forwardedRef,
) {
  const child = Children.only(children)
  if (!isValidElement<AnyProps>(child)) return null
  const childProps = child.props
  const merged: AnyProps = { ...slotProps, ...childProps }
  for (const key of Object.keys(slotProps)) {
    const ours = (slotProps as AnyProps)[key]
    const theirs = childProps[key]
    if (/^on[A-Z]/.test(key) && typeof ours === 'function' && typeof theirs === 'function') {
      merged[key] = (...args: unknown[]) => {
        theirs(...args)
        ours(...args)
      }
    } else if (key === 'style') merged.style = { ...(ours as object), ...(theirs as object) }
    else if (key === 'className') merged.className = [ours, theirs].filter(Boolean).join(' ')
  }
  // React 19 keeps the ref in props, React 18 on the element.
  const childRef = (childProps.ref ?? (child as unknown as { ref?: Ref<HTMLElement> }).ref) as
    | Ref<HTMLElement>
    | undefined
  merged.ref = composeRefs(forwardedRef, childRef)
  return cloneElement(child, merged)
})

export function composeRefs<T>(...refs: Array<Ref<T> | undefined>) {
  return (node: T | null) => {
    for (const ref of refs) {
      if (typeof ref === 'function') ref(node)
      else if (ref) (ref as { current: T | null }).current = node
    }
  }
}
