import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import HealthStatus from './HealthStatus.jsx'

function jsonResponse(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('HealthStatus', () => {
  it('shows a loading message while the health check runs', () => {
    vi.stubGlobal('fetch', vi.fn(() => new Promise(() => {})))

    render(<HealthStatus />)

    expect(screen.getByRole('status')).toHaveTextContent('Checking the backend')
  })

  it('shows the database state and the backend hostname', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, { status: 'ok', database: 'ok', hostname: 'abc123' })))

    render(<HealthStatus />)

    expect(await screen.findByText(/Database reachable/)).toHaveTextContent('abc123')
    expect(fetch).toHaveBeenCalledWith('/api/health/', expect.anything())
  })

  it('says when the backend reports its database unreachable', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => jsonResponse(503, { status: 'error', database: 'unreachable', hostname: 'abc123' })),
    )

    render(<HealthStatus />)

    expect(await screen.findByRole('alert')).toHaveTextContent('database is unreachable')
  })

  it('says when the API itself is unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('Bad Gateway', { status: 502 })))

    render(<HealthStatus />)

    expect(await screen.findByRole('alert')).toHaveTextContent('The backend API is unreachable. The API returned HTTP 502.')
  })

  it('checks again when the button is pressed', async () => {
    const fetchMock = vi
      .fn()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(jsonResponse(200, { status: 'ok', database: 'ok', hostname: 'abc123' }))
    vi.stubGlobal('fetch', fetchMock)
    render(<HealthStatus />)
    expect(await screen.findByRole('alert')).toHaveTextContent('Failed to fetch')

    await userEvent.click(screen.getByRole('button', { name: 'Check again' }))

    expect(await screen.findByText(/Database reachable/)).toBeInTheDocument()
    expect(fetchMock).toHaveBeenCalledTimes(2)
  })
})

describe('HealthStatus refresh', () => {
  it('follows the database when it comes back', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(jsonResponse(503, { status: 'error', database: 'unreachable', hostname: 'abc123' }))
      .mockImplementation(async () => jsonResponse(200, { status: 'ok', database: 'ok', hostname: 'abc123' }))
    vi.stubGlobal('fetch', fetchMock)

    render(<HealthStatus refreshInterval={50} />)

    expect(await screen.findByRole('alert')).toHaveTextContent('database is unreachable')
    expect(await screen.findByText(/Database reachable/)).toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })
})
