import type { ReactNode } from 'react'
// The kit's optional stylesheet, for the buttons and the status badge.
import 'react-mpc-backup/styles.css'

export const metadata = { title: 'react-mpc-backup: Next.js example' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '40rem', margin: '2rem auto', padding: '0 1rem' }}>
        {children}
      </body>
    </html>
  )
}
