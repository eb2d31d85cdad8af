import { expect, waitFor, type within } from 'storybook/test'

type Canvas = ReturnType<typeof within>

/** The flow button once Google's script has loaded (it is disabled before). */
export async function readyButton(canvas: Canvas, name: string): Promise<HTMLElement> {
  const button = await canvas.findByRole('button', { name }, { timeout: 10_000 })
  await waitFor(() => expect(button).toBeEnabled(), { timeout: 10_000 })
  return button
}

/** Waits until the button shows `text` (its visible label is its accessible name). */
export async function shows(canvas: Canvas, text: string): Promise<HTMLElement> {
  return canvas.findByRole('button', { name: text }, { timeout: 10_000 })
}

/** The failed button carries the error's stable code, and the live region announces the short message. */
export async function failsWith(canvas: Canvas, failedLabel: string, code: string): Promise<void> {
  const button = await shows(canvas, failedLabel)
  await expect(button).toHaveAttribute('data-state', 'error')
  await expect(button).toHaveAttribute('data-error-code', code)
  await expect(canvas.getByRole('status')).toHaveTextContent(new RegExp(`^${failedLabel}: .+`))
}

/** Google's script did not load: the button shows the error (enabled: a click loads it again) and announces it. */
export async function scriptUnavailable(canvas: Canvas): Promise<HTMLElement> {
  const label = 'Google sign-in unavailable. Retry'
  const button = await shows(canvas, label)
  await expect(button).toBeEnabled()
  await expect(button).toHaveAttribute('data-state', 'error')
  await expect(button).toHaveAttribute('data-error-code', 'GOOGLE_SCRIPT_UNAVAILABLE')
  await expect(canvas.getByRole('status')).toHaveTextContent(`${label}: Google sign-in did not load.`)
  return button
}
