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

// The backend's health: whether its database runs a query, checked on load
// and on request.
export default function HealthStatus() {
  const [state, setState] = useState({ phase: 'loading' })

  const check = useCallback(async () => {
    setState({ phase: 'loading' })
    try {
      setState({ phase: 'done', health: await fetchHealth() })
    } catch (error) {
      setState({ phase: 'failed', message: error.message })
    }
  }, [])

  useEffect(() => {
    check()
  }, [check])

  return (
    <section aria-labelledby="health-heading" className="health">
      <h2 id="health-heading">Backend health</h2>
      <HealthReport state={state} />
      <button type="button" onClick={check} disabled={state.phase === 'loading'}>
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
