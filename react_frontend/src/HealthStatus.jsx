import { useCallback, useEffect, useState } from 'react'

// Fetch the backend's health report. Resolves to the JSON body for 200 and
// 503 (both carry the database state); rejects for anything else.
async function fetchHealth() {
  const response = await fetch('/api/health/', { headers: { Accept: 'application/json' } })
  if (response.status !== 200 && response.status !== 503) {
    throw new Error(`The API returned HTTP ${response.status}.`)
  }
  return response.json()
}

// The backend's health: whether its database runs a query. Checked on load,
// on request, and again every refreshInterval milliseconds, so that the
// report follows a database that stops or comes back.
export default function HealthStatus({ refreshInterval = 5000 }) {
  const [state, setState] = useState({ phase: 'loading' })

  // A background refresh keeps the current report on screen until the new one arrives.
  const check = useCallback(async ({ background = false } = {}) => {
    if (!background) {
      setState({ phase: 'loading' })
    }
    try {
      setState({ phase: 'done', health: await fetchHealth() })
    } catch (error) {
      setState({ phase: 'failed', message: error.message })
    }
  }, [])

  useEffect(() => {
    check()
    const timer = setInterval(() => check({ background: true }), refreshInterval)
    return () => clearInterval(timer)
  }, [check, refreshInterval])

  return (
    <section aria-labelledby="health-heading" className="health">
      <h2 id="health-heading">Backend health</h2>
      <HealthReport state={state} />
      <button type="button" onClick={() => check()} disabled={state.phase === 'loading'}>
        Check again
      </button>
    </section>
  )
}

function HealthReport({ state }) {
  if (state.phase === 'loading') {
    return <p role="status">Checking the backend...</p>
  }
  if (state.phase === 'failed') {
    return (
      <p role="alert">
        The backend API is unreachable. {state.message}
      </p>
    )
  }
  const { health } = state
  if (health.database !== 'ok') {
    return (
      <p role="alert">
        The backend runs on <code>{health.hostname}</code>, but its database is unreachable.
      </p>
    )
  }
  return (
    <p role="status">
      Database reachable. Served by backend container <code>{health.hostname}</code>.
    </p>
  )
}
