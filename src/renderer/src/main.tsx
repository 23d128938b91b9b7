import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/app'
import { AppProviders } from './app/app-providers'
import './app/app.css'

const container = document.getElementById('root')
if (!container) throw new Error('the page has no #root element')

createRoot(container).render(
  <StrictMode>
    <AppProviders>
      <App />
    </AppProviders>
  </StrictMode>,
)
