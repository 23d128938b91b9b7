import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { AppProviders } from './app/app-providers'
import { BackendStatus } from './app/backend-status'
import './app/app.css'

const container = document.getElementById('root')
if (!container) throw new Error('the page has no #root element')

createRoot(container).render(
  <StrictMode>
    <AppProviders>
      <BackendStatus />
    </AppProviders>
  </StrictMode>,
)
