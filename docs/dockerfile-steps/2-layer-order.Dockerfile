# Step 2: install the dependencies before copying the code, so that a code
# change reuses the installed dependencies from the build cache.
ARG PYTHON_IMAGE=python:3.13
FROM ${PYTHON_IMAGE}
RUN apt-get update && apt-get install -y gcc pkg-config libmariadb-dev
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
EXPOSE 8000
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
