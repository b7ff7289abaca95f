import './style.css'

export const metadata = { title: 'Next.js + mockidp' }

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  )
}
