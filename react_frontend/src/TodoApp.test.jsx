import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import TodoApp from './TodoApp.jsx'
import { ApiError } from './api.js'

// An in-memory stand-in for the todo API that behaves like the Django one,
// and can be switched to unreachable.
function fakeApi(initial = []) {
  let nextId = 100
  const state = { todos: [...initial], unreachable: false, hostname: 'backend-a' }
  const answer = (data) => {
    if (state.unreachable) {
      return Promise.reject(new ApiError('No response from the server (Failed to fetch).', { unreachable: true }))
    }
    return Promise.resolve({ data, hostname: state.hostname })
  }
  return {
    state,
    list: () => answer({ todos: [...state.todos] }),
    create: (title) => {
      if (!title.trim()) {
        return Promise.reject(new ApiError('title: Must not be blank.', { status: 400, errors: { title: ['Must not be blank.'] } }))
      }
      const todo = { id: nextId++, title: title.trim(), done: false }
      if (!state.unreachable) state.todos.unshift(todo)
      return answer(todo)
    },
    update: (id, fields) => {
      const todo = state.todos.find((item) => item.id === id)
      if (!state.unreachable) Object.assign(todo, fields)
      return answer({ ...todo })
    },
    remove: (id) => {
      if (!state.unreachable) state.todos = state.todos.filter((item) => item.id !== id)
      return answer(null)
    },
  }
}

describe('TodoApp', () => {
  it('shows a loading message before the list arrives', () => {
    const api = { ...fakeApi(), list: () => new Promise(() => {}) }

    render(<TodoApp api={api} />)

    expect(screen.getByRole('status')).toHaveTextContent('Loading todos')
  })

  it('shows the empty state when there are no todos', async () => {
    render(<TodoApp api={fakeApi()} />)

    expect(await screen.findByText('No todos yet. Add the first one above.')).toBeInTheDocument()
  })

  it('lists the todos and the backend that served them', async () => {
    const api = fakeApi([{ id: 1, title: 'Write a Dockerfile', done: false }])

    render(<TodoApp api={api} />)

    expect(await screen.findByLabelText('Write a Dockerfile')).not.toBeChecked()
    expect(screen.getByTestId('backend-hostname')).toHaveTextContent('backend-a')
  })

  it('adds a todo at the top of the list', async () => {
    const api = fakeApi([{ id: 1, title: 'Older', done: false }])
    render(<TodoApp api={api} />)
    await screen.findByLabelText('Older')

    await userEvent.type(screen.getByLabelText('New todo'), 'Newer{Enter}')

    const items = await screen.findAllByRole('listitem')
    expect(items[0]).toHaveTextContent('Newer')
    expect(screen.getByLabelText('New todo')).toHaveValue('')
  })

  it('marks a todo done', async () => {
    const api = fakeApi([{ id: 1, title: 'Ship it', done: false }])
    render(<TodoApp api={api} />)

    await userEvent.click(await screen.findByLabelText('Ship it'))

    await waitFor(() => expect(screen.getByLabelText('Ship it')).toBeChecked())
    expect(api.state.todos[0].done).toBe(true)
  })

  it('renames a todo from the keyboard', async () => {
    const api = fakeApi([{ id: 1, title: 'Old name', done: false }])
    render(<TodoApp api={api} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Rename Old name' }))

    const input = screen.getByLabelText('New title for Old name')
    await userEvent.clear(input)
    await userEvent.type(input, 'New name{Enter}')

    expect(await screen.findByLabelText('New name')).toBeInTheDocument()
    expect(api.state.todos[0].title).toBe('New name')
  })

  it('cancels a rename with Escape', async () => {
    const api = fakeApi([{ id: 1, title: 'Keep me', done: false }])
    render(<TodoApp api={api} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Rename Keep me' }))

    await userEvent.type(screen.getByLabelText('New title for Keep me'), ' changed{Escape}')

    expect(screen.getByLabelText('Keep me')).toBeInTheDocument()
    expect(api.state.todos[0].title).toBe('Keep me')
  })

  it('deletes a todo', async () => {
    const api = fakeApi([{ id: 1, title: 'Delete me', done: false }])
    render(<TodoApp api={api} />)

    await userEvent.click(await screen.findByRole('button', { name: 'Delete Delete me' }))

    expect(await screen.findByText('No todos yet. Add the first one above.')).toBeInTheDocument()
    expect(api.state.todos).toEqual([])
  })

  it('says plainly when the API is unreachable and recovers by itself', async () => {
    const api = fakeApi([{ id: 1, title: 'Survivor', done: false }])
    api.state.unreachable = true
    render(<TodoApp api={api} retryInterval={50} />)

    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('The backend API is unreachable')
    expect(within(alert).getByRole('button', { name: 'Retry now' })).toBeInTheDocument()

    api.state.unreachable = false

    expect(await screen.findByLabelText('Survivor')).toBeInTheDocument()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('switches to the unreachable state when a change fails to reach the API', async () => {
    const api = fakeApi([{ id: 1, title: 'Offline edit', done: false }])
    render(<TodoApp api={api} retryInterval={60000} />)
    await screen.findByLabelText('Offline edit')
    api.state.unreachable = true

    await userEvent.click(screen.getByLabelText('Offline edit'))

    const alerts = await screen.findAllByRole('alert')
    expect(alerts.map((alert) => alert.textContent).join(' ')).toContain('The backend API is unreachable')
  })

  it('shows the error of a failed load with a retry button', async () => {
    const api = {
      ...fakeApi(),
      list: () => Promise.reject(new ApiError('The API returned HTTP 500.', { status: 500 })),
    }

    render(<TodoApp api={api} />)

    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Loading the todos failed: The API returned HTTP 500.')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument()
  })
})
