import {
  Children,
  cloneElement,
  forwardRef,
  isValidElement,
  type HTMLAttributes,
  type ReactElement,
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
  merged.ref = composeRefs(forwardedRef, getElementRef(child))
  return cloneElement(child, merged)
})

type WarningGetter = (() => unknown) & { isReactWarning?: boolean }

/**
 * The child's ref, read where its React version keeps it without tripping a development warning (Radix's
 * `getElementRef`): React 18 keeps it on the element and makes `props.ref` a getter that logs "`ref` is not a prop";
 * React 19 keeps it in props and makes `element.ref` a getter that logs its removal.
 */
function getElementRef(element: ReactElement<AnyProps>): Ref<HTMLElement> | undefined {
  const onElement = element as unknown as { ref?: Ref<HTMLElement> }
  const fromProps = () => element.props.ref as Ref<HTMLElement> | undefined
  // React 18 in development.
  let getter: WarningGetter | undefined = Object.getOwnPropertyDescriptor(element.props, 'ref')?.get
  if (getter?.isReactWarning) return onElement.ref
  // React 19 in development.
  getter = Object.getOwnPropertyDescriptor(element, 'ref')?.get
  if (getter?.isReactWarning) return fromProps()
  // Production builds define no warning getters.
  return fromProps() ?? onElement.ref
}

function composeRefs<T>(...refs: Array<Ref<T> | undefined>) {
  return (node: T | null) => {
    for (const ref of refs) {
      if (typeof ref === 'function') ref(node)
      else if (ref) (ref as { current: T | null }).current = node
    }
  }
}
